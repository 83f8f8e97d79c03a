/**
 * Load + validate stage: the fleet repository's files → the Fleet model (docs/fleet-repository.md), with every problem
 * as a `file:line:column` Problem and Karmada's policy defaults applied.
 */
export { loadFleet, type LoadOptions } from './load-fleet.js';
export { ParseCache } from './parse/parse-cache.js';
export { validationReport, type ValidationReport } from './validate/validation-report.js';
export { parseYamlDocuments, MAX_ALIAS_COUNT, type ParsedYamlFile, type ParseOptions, type YamlDocument } from './parse/yaml-documents.js';
export { parseDocumentsAsGo } from './parse/wrapped-quotes.js';
export { locateField } from './parse/locate-field.js';
export { fleetPathRole, isFleetFile, unsafePathProblem, type FleetPathRole } from './parse/paths.js';
export { formatFieldPath, type FieldPath } from './parse/field-path.js';
export { applyPropagationDefaults, applyOverrideDefaults } from './validate/defaults.js';
export { isBuiltInGroup, scopeOf, type ScopeAnswer } from './validate/scope.js';

/**
 * Reading the project's YAML files (config, pricing, PII catalogue, rule files, rule cases) as node
 * trees, with typed reads that record a {@link io.aegis.yaml.LocatedProblem} (file, line, column,
 * key) instead of throwing, so one pass over a file reports everything wrong with it.
 */
package io.aegis.yaml;

/**
 * Rule files (rules/README.md): read and checked with CEL, compiled into hash dispatch over shared,
 * memoized predicates, evaluated without allocation. {@link io.aegis.rules.RuleSet} is the entry
 * point; the gateway supplies requests through {@link io.aegis.rules.RequestView}.
 */
package io.aegis.rules;

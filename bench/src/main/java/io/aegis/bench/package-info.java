/**
 * Benchmarks: the open-loop end-to-end load benchmark and JMH benchmarks of hot-path pieces.
 */
package io.aegis.bench;

/**
 * The scan engines: Hyperscan as a native prefilter, and the Java extraction that turns candidates
 * into findings for both engines alike, so their results are identical by construction.
 */
package io.aegis.pii.engine;

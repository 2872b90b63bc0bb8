package io.aegis.natives;

import com.gliwka.hyperscan.wrapper.Scanner;

/**
 * Whether Hyperscan can run on this host. Loading its native library can fail in several ways (no
 * build for this CPU or OS, an instruction set Hyperscan needs is missing, a broken install); every
 * one of them becomes a plain answer with a reason, so the PII engine can fall back to pure Java.
 *
 * @param available true when the library loaded and the CPU is supported
 * @param version   Hyperscan's version string, or {@code null}
 * @param reason    why it is unavailable, or {@code null}
 */
public record HyperscanSupport(boolean available, String version, String reason) {
    /** Set to {@code false} to run without Hyperscan even where it loads (tests and comparisons). */
    public static final String DISABLE_PROPERTY = "aegis.hyperscan.enabled";

    private static final class Holder {
        static final HyperscanSupport DETECTED = detect();
    }

    /** The answer for this process, worked out once. */
    public static HyperscanSupport current() {
        if ("false".equalsIgnoreCase(System.getProperty(DISABLE_PROPERTY))) {
            return new HyperscanSupport(false, null, "disabled with -D" + DISABLE_PROPERTY + "=false");
        }
        return Holder.DETECTED;
    }

    private static HyperscanSupport detect() {
        try {
            if (!Scanner.getIsValidPlatform()) {
                return new HyperscanSupport(false, null, "this CPU lacks the instructions Hyperscan needs (SSSE3)");
            }
            return new HyperscanSupport(true, Scanner.getVersion(), null);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            return new HyperscanSupport(false, null, "native library did not load on "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + ": "
                    + e.getClass().getSimpleName());
        }
    }
}

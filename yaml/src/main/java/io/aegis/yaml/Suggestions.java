package io.aegis.yaml;

import java.util.Collection;

/** "Did you mean" for misspelt names: the nearest known name by edit distance, when it is near. */
public final class Suggestions {
    private Suggestions() {
    }

    /** {@code "; did you mean 'x'?"}, or "" when no known name is within a third of the length. */
    public static String didYouMean(String name, Collection<String> known) {
        String best = nearest(name, known);
        return best == null ? "" : "; did you mean '" + best + "'?";
    }

    /** The known name {@code name} most likely meant, or {@code null} when none is near. */
    public static String nearest(String name, Collection<String> known) {
        // A known name that contains what was typed ("CARD" for CREDIT_CARD) is the likeliest meaning.
        if (name.length() >= 3) {
            for (String candidate : known) {
                if (candidate.toLowerCase(java.util.Locale.ROOT).contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    return candidate;
                }
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(name, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (Character.toLowerCase(a.charAt(i - 1)) == Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

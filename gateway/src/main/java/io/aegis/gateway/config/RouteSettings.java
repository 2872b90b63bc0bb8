package io.aegis.gateway.config;

import java.util.List;

/**
 * Per-route overrides of a provider's time limits, retries and hedging. A request takes the first
 * route that matches it; what a route leaves out comes from the provider.
 *
 * @param models      model name globs ({@code *} matches any run of characters); empty matches any
 * @param stream      {@code true} or {@code false} to match only streamed or only whole responses; {@code null} for both
 * @param timeouts    the route's time limits (already merged over the provider's)
 * @param maxAttempts attempts per target, or 0 for the provider's
 * @param hedge       hedging for the route, or {@code null} for the provider's
 */
public record RouteSettings(List<String> models, Boolean stream, Timeouts timeouts, int maxAttempts,
                            HedgeSettings hedge) {

    /** Whether a request for {@code model} (streamed or not) falls in this route. */
    public boolean matches(String model, boolean streamed) {
        if (stream != null && stream != streamed) {
            return false;
        }
        if (models.isEmpty()) {
            return true;
        }
        for (String glob : models) {
            if (glob(glob, 0, model == null ? "" : model, 0)) {
                return true;
            }
        }
        return false;
    }

    private static boolean glob(String glob, int g, String text, int t) {
        while (g < glob.length()) {
            char c = glob.charAt(g);
            if (c == '*') {
                for (int from = t; from <= text.length(); from++) {
                    if (glob(glob, g + 1, text, from)) {
                        return true;
                    }
                }
                return false;
            }
            if (t >= text.length() || text.charAt(t) != c) {
                return false;
            }
            g++;
            t++;
        }
        return t == text.length();
    }
}

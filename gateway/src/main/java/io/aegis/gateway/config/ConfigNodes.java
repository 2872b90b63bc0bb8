package io.aegis.gateway.config;

import io.aegis.yaml.YamlDocument;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The config file's own kinds of value, read from a {@link YamlDocument} the same way as the generic
 * ones: a problem (with file, line and key) instead of an exception.
 */
final class ConfigNodes {
    private ConfigNodes() {
    }

    /** A whole number from 1 to {@code max}, or {@code fallback} when absent. */
    static long positiveLong(YamlDocument nodes, Node node, String key, long fallback, long max) {
        return nodes.longInRange(node, key, fallback, 1, max);
    }

    /** A non-negative decimal amount of US dollars as integer micro-dollars; -1 when absent. */
    static long usdMicros(YamlDocument nodes, Node node, String key) {
        String text = nodes.string(node, key, null);
        if (text == null) {
            return -1;
        }
        try {
            java.math.BigDecimal usd = new java.math.BigDecimal(text.trim());
            if (usd.signum() < 0) {
                nodes.problem(node, key, "must not be negative, got " + text);
                return -1;
            }
            // Money is integer micro-dollars everywhere; sub-micro amounts in config are a typo, not a plan.
            return usd.movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            nodes.problem(node, key, "must be an amount in US dollars like 100 or 12.50, got '" + text + "'");
            return -1;
        }
    }

    static ListenAddress listen(YamlDocument nodes, Node node, String key, ListenAddress fallback) {
        String text = nodes.string(node, key, null);
        if (text == null) {
            return fallback;
        }
        ListenAddress address = ListenAddress.parse(text.trim());
        if (address == null) {
            nodes.problem(node, key, "must be host:port like 127.0.0.1:8080, got '" + text + "'");
            return fallback;
        }
        return address;
    }
}

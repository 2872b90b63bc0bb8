package io.aegis.gateway.config;

/** A secret read from the environment; it never prints, so no settings dump can leak it. */
public record Secret(String value) {
    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}

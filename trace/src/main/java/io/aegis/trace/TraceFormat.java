package io.aegis.trace;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Trace events as text for {@code aegis tail}: one human-readable line, or one JSON object with every
 * shown {@link TraceField} by its JSON name, in layout order; and the same values as plain Java
 * objects for the {@code --where} filter.
 */
public final class TraceFormat {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private TraceFormat() {
    }

    /** {@code time tenant model status tokens cost latency decision}. */
    public static void line(TraceEvent e, StringBuilder out) {
        out.setLength(0);
        CharSequence tenant = e.text(TraceField.TENANT);
        out.append(DateTimeFormatter.ISO_INSTANT.format(instant(e.get(TraceField.TIMESTAMP)))).append(' ')
                .append(tenant.length() == 0 ? "-" : tenant).append(' ')
                .append(e.effectiveModel()).append(' ')
                .append(e.get(TraceField.STATUS)).append(' ')
                .append("in=").append(e.promptTokens())
                .append(" out=").append(e.get(TraceField.OUTPUT_TOKENS)).append(' ')
                .append('$').append(usd(e.get(TraceField.COST_NANOS), 6)).append(' ')
                .append(String.format(Locale.ROOT, "%.3fms ", e.get(TraceField.TOTAL_NANOS) / 1_000_000.0))
                .append(e.flag(TraceField.DENIED) ? "deny" : "allow");
        if (e.text(TraceField.RULE).length() > 0) {
            out.append(" rule=").append(e.text(TraceField.RULE));
        }
        if (e.text(TraceField.ERROR).length() > 0) {
            out.append(" error=").append(e.text(TraceField.ERROR));
        }
    }

    /** Every shown field as {@code "name":value}, in layout order. */
    public static void json(TraceEvent e, StringBuilder out) {
        out.setLength(0);
        out.append('{');
        for (TraceField field : TraceField.ALL) {
            if (field.jsonName() == null) {
                continue;
            }
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"').append(field.jsonName()).append("\":");
            switch (field.json()) {
                case TEXT, TIME, PROVIDER, DECISION, OUTCOME, HEDGE, CIRCUIT -> string(out, shownText(e, field));
                case TEXT_OR_NULL -> {
                    if (e.text(field).length() == 0) {
                        out.append("null");
                    } else {
                        string(out, e.text(field));
                    }
                }
                case NUMBER -> out.append(e.get(field));
                case BOOL -> out.append(e.flag(field));
                case MICROS -> out.append(e.get(field) / 1000);
                case MICROS_OR_NULL -> {
                    if (e.get(field) < 0) {
                        out.append("null");
                    } else {
                        out.append(e.get(field) / 1000);
                    }
                }
                case USD -> out.append(usd(e.get(field), 9));
                case PII_COUNTS -> {
                    out.append('{');
                    for (int i = 0; i < e.countSize(field); i++) {
                        out.append(i == 0 ? "" : ",");
                        string(out, e.countType(field, i));
                        out.append(':').append(e.countValue(field, i));
                    }
                    out.append('}');
                }
                case TEXT_LIST -> {
                    out.append('[');
                    for (int i = 0; i < e.listSize(field); i++) {
                        out.append(i == 0 ? "" : ",");
                        string(out, e.listItem(field, i));
                    }
                    out.append(']');
                }
                default -> throw new IllegalStateException(field.json().name());
            }
        }
        out.append('}');
    }

    /**
     * Every shown field's value by JSON name, as a filter sees it: text as {@code String} ({@code ""}
     * when empty), numbers as {@code Long} (-1 for a time that never came), {@code cost_usd} as a
     * {@code Double}, flags as {@code Boolean}, {@code pii} as a map of type to count, lists as lists.
     */
    public static void values(TraceEvent e, BiConsumer<String, Object> out) {
        for (TraceField field : TraceField.ALL) {
            if (field.jsonName() == null) {
                continue;
            }
            Object value = switch (field.json()) {
                case TEXT, TEXT_OR_NULL, TIME, PROVIDER, DECISION, OUTCOME, HEDGE, CIRCUIT -> shownText(e, field);
                case NUMBER -> e.get(field);
                case BOOL -> e.flag(field);
                case MICROS -> e.get(field) / 1000;
                case MICROS_OR_NULL -> e.get(field) < 0 ? -1L : e.get(field) / 1000;
                case USD -> e.get(field) / 1e9;
                case PII_COUNTS -> {
                    Map<String, Long> counts = new LinkedHashMap<>();
                    for (int i = 0; i < e.countSize(field); i++) {
                        counts.put(e.countType(field, i).toString(), (long) e.countValue(field, i));
                    }
                    yield counts;
                }
                case TEXT_LIST -> {
                    List<String> items = new ArrayList<>();
                    for (int i = 0; i < e.listSize(field); i++) {
                        items.add(e.listItem(field, i).toString());
                    }
                    yield items;
                }
                default -> throw new IllegalStateException(field.json().name());
            };
            out.accept(field.jsonName(), value);
        }
    }

    /** A text-shaped field as shown: names for codes, ISO time for the timestamp. */
    private static String shownText(TraceEvent e, TraceField field) {
        return switch (field.json()) {
            case TIME -> DateTimeFormatter.ISO_INSTANT.format(instant(e.get(field)));
            case PROVIDER -> e.provider() == TraceEvent.Provider.ANTHROPIC ? "anthropic" : "gemini";
            case DECISION -> e.flag(field) ? "deny" : "allow";
            case OUTCOME -> e.outcome().name().toLowerCase(Locale.ROOT);
            case HEDGE -> TraceEvent.hedgeName((byte) e.get(field));
            case CIRCUIT -> TraceEvent.circuitName((byte) e.get(field));
            default -> e.text(field).toString();
        };
    }

    /** Nano-dollars as a decimal number of USD with {@code decimals} places (rounded down). */
    static String usd(long nanos, int decimals) {
        long whole = nanos / NANOS_PER_SECOND;
        long fraction = Math.abs(nanos % NANOS_PER_SECOND);
        String digits = String.format("%09d", fraction).substring(0, decimals);
        return (nanos < 0 && whole == 0 ? "-" : "") + whole + "." + digits;
    }

    private static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(epochNanos / NANOS_PER_SECOND, epochNanos % NANOS_PER_SECOND);
    }

    private static void string(StringBuilder out, CharSequence value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}

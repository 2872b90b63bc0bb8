package io.aegis.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides the fault for each request. A request may name its own fault (header or model name);
 * {@code NAMExN} limits it to the first N requests with the same selector, so "fail once, then
 * succeed" can test retries. Otherwise the plan's shares apply, drawn from a seeded random so runs
 * repeat.
 */
public final class FaultPlan {
    /** A fault with the share of requests it hits, from {@code --faults}. */
    public record Share(MockFault fault, double probability) {
    }

    /** A per-request fault selector, parsed from a header or a model name. */
    record Selection(MockFault fault, int times) {
    }

    private final List<Share> shares;
    private final Random random;
    private final ConcurrentHashMap<String, AtomicInteger> used = new ConcurrentHashMap<>();

    private FaultPlan(List<Share> shares, long seed) {
        this.shares = List.copyOf(shares);
        this.random = new Random(seed);
    }

    /** No faults unless a request asks for one. */
    public static FaultPlan none() {
        return new FaultPlan(List.of(), 1);
    }

    /**
     * Parses {@code --faults}: a comma-separated list of {@code NAME} (every request) or
     * {@code NAME@SHARE} with a share between 0 and 1, e.g. {@code 429@0.05,reset_mid_stream@0.01}.
     *
     * @throws IllegalArgumentException naming the bad entry and the known faults
     */
    public static FaultPlan parse(String spec, long seed) {
        List<Share> shares = new ArrayList<>();
        if (spec != null && !spec.isBlank()) {
            for (String entry : spec.split(",")) {
                String trimmed = entry.trim();
                int at = trimmed.indexOf('@');
                String name = at < 0 ? trimmed : trimmed.substring(0, at);
                MockFault fault = MockFault.byName(name);
                if (fault == null) {
                    throw new IllegalArgumentException("unknown fault '" + name + "' in --faults; known: "
                            + MockFault.names());
                }
                double probability = 1.0;
                if (at >= 0) {
                    try {
                        probability = Double.parseDouble(trimmed.substring(at + 1));
                    } catch (NumberFormatException e) {
                        probability = -1;
                    }
                    if (!(probability >= 0 && probability <= 1)) {
                        throw new IllegalArgumentException("fault share in '" + trimmed
                                + "' must be a number from 0 to 1");
                    }
                }
                shares.add(new Share(fault, probability));
            }
        }
        return new FaultPlan(shares, seed);
    }

    /**
     * The fault for one request.
     *
     * @param header the {@code x-mock-fault} header, or {@code null}
     * @param model  the model, or {@code null}
     */
    public MockFault choose(String header, String model) {
        String selector = header != null && !header.isBlank() ? header.trim() : fromModel(model);
        if (selector != null) {
            Selection selection = parseSelector(selector);
            if (selection != null) {
                if (selection.times() <= 0) {
                    return selection.fault();
                }
                // The key includes the model so that concurrent tests with distinct models do not share counts.
                String key = selector + "|" + model;
                int n = used.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                return n <= selection.times() ? selection.fault() : MockFault.NONE;
            }
        }
        if (shares.isEmpty()) {
            return MockFault.NONE;
        }
        double draw;
        synchronized (random) {
            draw = random.nextDouble();
        }
        double cumulative = 0;
        for (Share share : shares) {
            cumulative += share.probability();
            if (draw < cumulative) {
                return share.fault();
            }
        }
        return MockFault.NONE;
    }

    /** {@code NAME} or {@code NAMExN}. */
    static Selection parseSelector(String selector) {
        MockFault fault = MockFault.byName(selector);
        if (fault != null) {
            return new Selection(fault, 0);
        }
        int x = selector.lastIndexOf('x');
        if (x > 0 && x < selector.length() - 1) {
            fault = MockFault.byName(selector.substring(0, x));
            try {
                int times = Integer.parseInt(selector.substring(x + 1));
                if (fault != null && times > 0) {
                    return new Selection(fault, times);
                }
            } catch (NumberFormatException ignored) {
                // Not a count: not a selector.
            }
        }
        return null;
    }

    /** The selector after {@code fault-} in a model name, up to the next '-' (fault names use '_'). */
    static String fromModel(String model) {
        if (model == null) {
            return null;
        }
        int at = model.indexOf("fault-");
        if (at < 0 || (at > 0 && model.charAt(at - 1) != '-')) {
            return null;
        }
        int start = at + "fault-".length();
        int end = model.indexOf('-', start);
        return model.substring(start, end < 0 ? model.length() : end);
    }
}

package io.aegis.gateway.pii;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The placeholders one exchange hands out ({@code [EMAIL_1]}, the same value getting the same number)
 * and, when the tenant restores them, the original each stands for, so the answer can carry the
 * originals back to the caller. Lives only as long as its exchange: never written to a trace, a log
 * or a metric. Tokens of the {@code hash} style are restorable too; masks are not (they are not unique).
 */
public final class Placeholders {
    /** The longest token worth holding an answer back for: {@code [} name {@code _} number {@code ]}. */
    public static final int MAX_TOKEN_BYTES = 64;

    private final Map<String, String> tokenByValue = new HashMap<>();
    private int[] numbers = new int[0];
    private boolean remember;
    /** Tokens and originals, as UTF-8, in the order they were handed out; only when remembering. */
    private final List<byte[]> tokens = new ArrayList<>();
    private final List<byte[]> originals = new ArrayList<>();

    /** Starts an exchange; {@code remember} keeps originals for restoring them in the answer. */
    public void reset(int typeCount, boolean remember) {
        tokenByValue.clear();
        tokens.clear();
        originals.clear();
        if (numbers.length != typeCount) {
            numbers = new int[typeCount];
        } else {
            Arrays.fill(numbers, 0);
        }
        this.remember = remember;
    }

    /** Starts over numbering on from {@code request}'s placeholders, remembering nothing for restoring. */
    public void continueFrom(Placeholders request, int typeCount) {
        reset(typeCount, false);
        tokenByValue.putAll(request.tokenByValue);
        System.arraycopy(request.numbers, 0, numbers, 0, Math.min(numbers.length, request.numbers.length));
    }

    /** The placeholder for {@code value} of type {@code name} (index {@code type}), numbered on first use. */
    public String placeholder(int type, String name, String value) {
        String key = name + '\u0000' + value;
        String token = tokenByValue.get(key);
        if (token == null) {
            token = "[" + name + "_" + ++numbers[type] + "]";
            tokenByValue.put(key, token);
            remember(token, value);
        }
        return token;
    }

    /** Notes a token of another restorable style (a keyed hash) for {@code value}. */
    public void remember(String token, String value) {
        if (remember && token.length() <= MAX_TOKEN_BYTES && !tokenByValue.containsKey("\u0001" + token)) {
            tokenByValue.put("\u0001" + token, token);
            tokens.add(token.getBytes(StandardCharsets.US_ASCII));
            originals.add(value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** True when some token can be restored. */
    public boolean restorable() {
        return !tokens.isEmpty();
    }

    /**
     * The index of the token that {@code text[from, to)} starts with (it starts with {@code [}), or
     * -1; {@code -2} when the text so far is the beginning of some token and more could complete it.
     */
    public int match(byte[] text, int from, int to) {
        boolean prefix = false;
        for (int i = 0; i < tokens.size(); i++) {
            byte[] token = tokens.get(i);
            int n = Math.min(token.length, to - from);
            if (Arrays.equals(text, from, from + n, token, 0, n)) {
                if (n == token.length) {
                    return i;
                }
                prefix = true;
            }
        }
        return prefix ? -2 : -1;
    }

    public byte[] token(int i) {
        return tokens.get(i);
    }

    public byte[] original(int i) {
        return originals.get(i);
    }
}

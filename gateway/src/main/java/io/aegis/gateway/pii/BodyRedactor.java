package io.aegis.gateway.pii;

import io.aegis.gateway.request.MessageText;
import io.aegis.pii.Findings;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.RedactionStyle;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Rewrites a request body with findings replaced, byte-exactly: only the raw bytes of each redacted
 * value change, everything between is copied, and the replacements are plain ASCII that needs no
 * JSON escaping, so the body stays valid JSON. Styles (pii/README.md): {@code [EMAIL_1]} placeholders,
 * the same value getting the same number within the request; masks keeping the last four
 * characters; keyed hashes that are stable per tenant.
 */
public final class BodyRedactor {
    private final byte[] hashKey;

    /** @param hashKey secret for the {@code hash} style; equal values hash equally for one tenant only */
    public BodyRedactor(byte[] hashKey) {
        this.hashKey = hashKey.clone();
    }

    /**
     * A new body with every finding whose type is marked in {@code redact} replaced.
     *
     * @param body     the raw body (not released here)
     * @param text     the decoded message text the findings refer to
     * @param redact   per type index: true to redact
     * @param tenantId scopes the {@code hash} style
     */
    public ByteBuf redact(ByteBufAllocator alloc, ByteBuf body, MessageText text, Findings findings,
                          boolean[] redact, PiiCatalogue catalogue, String tenantId, Placeholders placeholders) {
        ByteBuf out = alloc.heapBuffer(body.readableBytes() + 64);
        int base = body.readerIndex();
        int copied = 0;
        for (int i = 0; i < findings.size(); i++) {
            int type = findings.type(i);
            if (!redact[type] || !text.withinOneSpan(findings.start(i), findings.end(i))) {
                continue;
            }
            int rawStart = text.rawStart(findings.start(i));
            int rawEnd = text.rawEnd(findings.end(i));
            out.writeBytes(body, base + copied, rawStart - copied);
            String value = new String(text.bytes(), findings.start(i), findings.end(i) - findings.start(i),
                    StandardCharsets.UTF_8);
            String replacement = replacement(catalogue, type, value, tenantId, placeholders);
            out.writeCharSequence(replacement, StandardCharsets.US_ASCII);
            copied = rawEnd;
        }
        out.writeBytes(body, base + copied, body.readableBytes() - copied);
        return out;
    }

    /**
     * What a value of catalogue type {@code type} becomes in its type's style: a placeholder numbered
     * by {@code placeholders}, a mask, or a keyed hash (remembered there too, for restoring). Plain
     * ASCII without quotes or backslashes, so it needs no JSON escaping.
     */
    public String replacement(PiiCatalogue catalogue, int type, String value, String tenantId,
                              Placeholders placeholders) {
        String name = catalogue.types().get(type).name();
        RedactionStyle style = catalogue.types().get(type).redaction();
        switch (style) {
            case MASK:
                return mask(value);
            case HASH:
                String token = "[" + name + ":" + hash(tenantId, value) + "]";
                placeholders.remember(token, value);
                return token;
            default:
                return placeholders.placeholder(type, name, value);
        }
    }

    /** All but the last four characters become '*'; separators are masked too, so no shape leaks. */
    static String mask(String value) {
        int keep = Math.min(4, value.length());
        char[] out = new char[value.length()];
        Arrays.fill(out, 0, value.length() - keep, '*');
        for (int i = value.length() - keep; i < value.length(); i++) {
            char c = value.charAt(i);
            // Only ASCII survives: anything else would need JSON escaping and is masked instead.
            out[i] = c < 0x80 && c != '"' && c != '\\' && c >= 0x20 ? c : '*';
        }
        return new String(out);
    }

    private String hash(String tenantId, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hashKey, "HmacSHA256"));
            mac.update(tenantId.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                hex.append(Character.forDigit(digest[i] >> 4 & 0xf, 16)).append(Character.forDigit(digest[i] & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}

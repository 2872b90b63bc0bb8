package io.aegis.gateway.answer;

/**
 * Anthropic's answer text: {@code content[].text} of a whole message; in a stream, the text of a
 * {@code content_block_start} whose block is text and each {@code content_block_delta}'s
 * {@code delta.text} (only text deltas have that field: tool input, thinking and citations do not).
 * A text block's held-back end goes out as one more {@code content_block_delta} just before its
 * {@code content_block_stop}, so the events the caller sees stay in the order the SDKs expect.
 */
final class AnthropicTexts implements TextPayloads {
    private static final String[][] STREAM_PATHS = {{"delta", "text"}, {"content_block", "text"}};
    private static final String[][] WHOLE_PATHS = {{"content", TextTokens.ARRAY, "text"}};
    private static final String[] SCALARS = {"type", "index"};

    private final TextTokens stream = new TextTokens(STREAM_PATHS, SCALARS, null);
    private final TextTokens whole = new TextTokens(WHOLE_PATHS, new String[0], null);
    private final ByteSink released = new ByteSink();
    private final ByteSink extraJson = new ByteSink();
    private AnswerScan scan;
    private boolean wholeBody;
    /** The index of the content block whose text is open. */
    private String openIndex = "0";

    void begin(AnswerScan scan, boolean wholeBody) {
        this.scan = scan;
        this.wholeBody = wholeBody;
        openIndex = "0";
    }

    @Override
    public boolean rewrite(byte[] payload, int offset, int length, ByteSink out, Extra extra) {
        if (wholeBody) {
            return rewriteWhole(payload, offset, length, out);
        }
        if (!stream.read(payload, offset, length)) {
            return false;
        }
        String type = stream.scalars[0];
        AnswerText text = scan.text(0);
        if ("content_block_stop".equals(type) && text.open()) {
            released.clear();
            text.end(released);
            if (released.length() > 0 && !scan.blocked()) {
                extra.payload("content_block_delta", delta(stream.scalars[1] == null ? openIndex : stream.scalars[1]));
            }
            return false;
        }
        if (stream.count == 0 || !"content_block_delta".equals(type) && !"content_block_start".equals(type)) {
            return false;
        }
        if ("content_block_start".equals(type)) {
            text.start();
            openIndex = stream.scalars[1] == null ? "0" : stream.scalars[1];
        }
        released.clear();
        text.feed(stream.text, stream.textStart[0], stream.textLength[0], released);
        out.write(payload, offset, stream.start[0]);
        out.writeJsonString(released.bytes(), 0, released.length());
        out.write(payload, offset + stream.end[0], length - stream.end[0]);
        return true;
    }

    private boolean rewriteWhole(byte[] payload, int offset, int length, ByteSink out) {
        if (!whole.read(payload, offset, length) || whole.count == 0) {
            return false;
        }
        int copied = 0;
        AnswerText text = scan.text(0);
        for (int i = 0; i < whole.count; i++) {
            released.clear();
            text.start();
            text.feed(whole.text, whole.textStart[i], whole.textLength[i], released);
            text.end(released);
            out.write(payload, offset + copied, whole.start[i] - copied);
            out.writeJsonString(released.bytes(), 0, released.length());
            copied = whole.end[i];
        }
        out.write(payload, offset + copied, length - copied);
        return true;
    }

    @Override
    public void finish(Extra extra) {
        AnswerText text = scan.text(0);
        if (!wholeBody && text.open()) {
            released.clear();
            text.end(released);
            if (released.length() > 0 && !scan.blocked()) {
                extra.payload("content_block_delta", delta(openIndex));
            }
        }
    }

    private ByteSink delta(String index) {
        extraJson.clear();
        extraJson.writeAscii("{\"type\":\"content_block_delta\",\"index\":");
        extraJson.writeAscii(index.chars().allMatch(Character::isDigit) && !index.isEmpty() ? index : "0");
        extraJson.writeAscii(",\"delta\":{\"type\":\"text_delta\",\"text\":");
        extraJson.writeJsonString(released.bytes(), 0, released.length());
        extraJson.writeAscii("}}");
        return extraJson;
    }
}

package io.aegis.gateway.answer;

/**
 * Gemini's answer text: {@code candidates[].content.parts[].text}, one text per candidate across
 * the chunks of a stream. A candidate's held-back end goes into its last text part in the chunk
 * that carries its {@code finishReason}; when that chunk has no text part for it (or the stream
 * ends without one), a chunk of its own with just that text goes out first.
 */
final class GeminiTexts implements TextPayloads {
    private static final String[][] PATHS = {{"candidates", TextTokens.ARRAY, "content", "parts", TextTokens.ARRAY, "text"}};
    private static final String[] FINISH = {"candidates", TextTokens.ARRAY, "finishReason"};

    private final TextTokens tokens = new TextTokens(PATHS, new String[0], FINISH);
    private final ByteSink released = new ByteSink();
    private final ByteSink extraJson = new ByteSink();
    private AnswerScan scan;
    private boolean wholeBody;

    void begin(AnswerScan scan, boolean wholeBody) {
        this.scan = scan;
        this.wholeBody = wholeBody;
    }

    @Override
    public boolean rewrite(byte[] payload, int offset, int length, ByteSink out, Extra extra) {
        if (!tokens.read(payload, offset, length)) {
            return false;
        }
        if (!wholeBody) {
            // A candidate that finishes here without a text part: its held-back end goes out just before.
            for (int candidate = 0; candidate < tokens.flagged.length; candidate++) {
                if (tokens.flagged(candidate) && !hasText(candidate) && candidate < scan.textCount()) {
                    endAlone(candidate, extra);
                }
            }
        }
        if (tokens.count == 0) {
            return false;
        }
        int copied = 0;
        for (int i = 0; i < tokens.count; i++) {
            int candidate = Math.max(0, tokens.element[i]);
            AnswerText text = scan.text(candidate);
            released.clear();
            if (wholeBody) {
                text.start();
            }
            text.feed(tokens.text, tokens.textStart[i], tokens.textLength[i], released);
            if (wholeBody || tokens.flagged(candidate) && lastTextOf(candidate) == i) {
                text.end(released);
            }
            out.write(payload, offset + copied, tokens.start[i] - copied);
            out.writeJsonString(released.bytes(), 0, released.length());
            copied = tokens.end[i];
        }
        out.write(payload, offset + copied, length - copied);
        return true;
    }

    @Override
    public void finish(Extra extra) {
        if (wholeBody) {
            return;
        }
        for (int candidate = 0; candidate < scan.textCount(); candidate++) {
            endAlone(candidate, extra);
        }
    }

    private void endAlone(int candidate, Extra extra) {
        AnswerText text = scan.text(candidate);
        if (!text.open()) {
            return;
        }
        released.clear();
        text.end(released);
        if (released.length() == 0 || scan.blocked()) {
            return;
        }
        extraJson.clear();
        extraJson.writeAscii("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":");
        extraJson.writeJsonString(released.bytes(), 0, released.length());
        extraJson.writeAscii("}],\"role\":\"model\"},\"index\":");
        extraJson.writeInt(candidate);
        extraJson.writeAscii("}]}");
        extra.payload(null, extraJson);
    }

    private boolean hasText(int candidate) {
        return lastTextOf(candidate) >= 0;
    }

    private int lastTextOf(int candidate) {
        for (int i = tokens.count - 1; i >= 0; i--) {
            if (Math.max(0, tokens.element[i]) == candidate) {
                return i;
            }
        }
        return -1;
    }
}

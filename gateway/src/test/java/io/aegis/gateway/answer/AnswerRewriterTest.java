package io.aegis.gateway.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aegis.gateway.pii.BodyRedactor;
import io.aegis.gateway.pii.PiiAction;
import io.aegis.gateway.pii.PiiInspector;
import io.aegis.gateway.pii.PiiPolicy;
import io.aegis.gateway.pii.Placeholders;
import io.aegis.gateway.testing.TestGateway;
import io.aegis.pii.CatalogueReader;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiEngines;
import io.aegis.wire.Provider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Answers rewritten by the tenant's answer policy, for every framing and both providers: values
 * split across deltas at every byte offset are found, placeholders split anywhere are restored, the
 * framing the caller gets stays valid, and only the text changes.
 */
class AnswerRewriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);
    private static PiiCatalogue catalogue;
    private static PiiInspector inspector;
    private static int email;

    @BeforeAll
    static void build() throws Exception {
        catalogue = CatalogueReader.read(TestGateway.projectRoot().resolve("configs/pii.yaml"));
        List<String> problems = new ArrayList<>();
        PiiPolicy scanning = PiiPolicy.from(Map.of(), Map.of("EMAIL", PiiAction.REDACT, "CREDIT_CARD", PiiAction.BLOCK,
                "PHONE", PiiAction.TAG), true, catalogue, "test", problems);
        PiiPolicy restoring = PiiPolicy.from(Map.of("EMAIL", PiiAction.REDACT), Map.of(), true, catalogue, "test", problems);
        assertEquals(List.of(), problems);
        inspector = new PiiInspector(PiiEngines.best(catalogue), Map.of("scan", scanning, "restore", restoring),
                new BodyRedactor(new byte[32]), 256);
        email = catalogue.indexOf("EMAIL");
    }

    @AfterAll
    static void close() {
        inspector.close();
    }

    /** One answer's rewriting, as the relay drives it. */
    private static final class Run {
        final AnswerScan scan = new AnswerScan();
        final AnswerRewriter rewriter = new AnswerRewriter();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Run(String tenant, Placeholders placeholders, Provider provider, boolean events, boolean streamed) {
            assertTrue(scan.begin(inspector, inspector.policy(tenant), placeholders, tenant));
            rewriter.begin(provider, events, streamed, scan);
        }

        Run feed(byte[] body, int[] cuts) {
            int from = 0;
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? cuts[i] : body.length;
                take(rewriter.feed(ALLOC, Unpooled.wrappedBuffer(body, from, to - from)));
                from = to;
            }
            take(rewriter.finish(ALLOC));
            return this;
        }

        private void take(ByteBuf buffer) {
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.readBytes(bytes);
            buffer.release();
            out.writeBytes(bytes);
        }

        String text() {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static Placeholders requestPlaceholders() {
        Placeholders placeholders = new Placeholders();
        placeholders.reset(catalogue.types().size(), true);
        assertEquals("[EMAIL_1]", placeholders.placeholder(email, "EMAIL", "jane.doe@example.com"));
        assertEquals("[EMAIL_2]", placeholders.placeholder(email, "EMAIL", "bob@corp.example"));
        return placeholders;
    }

    // ---- Anthropic event streams ----

    private static String anthropicEvent(String name, ObjectNode data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private static byte[] anthropicStream(List<String> deltas) {
        StringBuilder s = new StringBuilder();
        s.append(anthropicEvent("message_start", JSON.createObjectNode().put("type", "message_start")
                .set("message", JSON.createObjectNode().put("id", "msg_1").set("usage",
                        JSON.createObjectNode().put("input_tokens", 12).put("output_tokens", 1)))));
        ObjectNode start = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
        start.putObject("content_block").put("type", "text").put("text", "");
        s.append(anthropicEvent("content_block_start", start));
        s.append("event: ping\ndata: {\"type\": \"ping\"}\n\n");
        for (String text : deltas) {
            ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
            delta.putObject("delta").put("type", "text_delta").put("text", text);
            s.append(anthropicEvent("content_block_delta", delta));
        }
        s.append(anthropicEvent("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 0)));
        ObjectNode messageDelta = JSON.createObjectNode().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", "end_turn");
        messageDelta.putObject("usage").put("output_tokens", 42);
        s.append(anthropicEvent("message_delta", messageDelta));
        s.append(anthropicEvent("message_stop", JSON.createObjectNode().put("type", "message_stop")));
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The events of an Anthropic stream, checked for valid framing; returns the text the deltas add up to. */
    private static String anthropicText(String stream, List<String> names) throws Exception {
        assertTrue(stream.endsWith("\n\n"), "the stream ends with a whole event");
        StringBuilder text = new StringBuilder();
        for (String event : stream.substring(0, stream.length() - 2).split("\n\n", -1)) {
            String[] lines = event.split("\n");
            assertEquals(2, lines.length, "event then data: " + event);
            assertTrue(lines[0].startsWith("event: ") && lines[1].startsWith("data: "), event);
            String name = lines[0].substring(7);
            JsonNode data = JSON.readTree(lines[1].substring(6));
            assertEquals(name, data.path("type").asText(), "the event name is the data's type");
            names.add(name);
            if (name.equals("content_block_delta")) {
                text.append(data.path("delta").path("text").asText());
            }
        }
        return text.toString();
    }

    @Test
    void anthropicStreamAValueSplitAcrossTwoDeltasAtEveryByteIsRedacted() throws Exception {
        String answer = "Sure — write to jane.doe@example.com, and call (415) 555-0132 if it is urgent.";
        byte[] utf8 = answer.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= utf8.length; cut++) {
            if (cut < utf8.length && (utf8[cut] & 0xc0) == 0x80) {
                continue; // a delta is a JSON string: whole characters only
            }
            List<String> deltas = List.of(new String(utf8, 0, cut, StandardCharsets.UTF_8),
                    new String(utf8, cut, utf8.length - cut, StandardCharsets.UTF_8));
            byte[] stream = anthropicStream(deltas);
            Run run = new Run("scan", new Placeholders(), Provider.ANTHROPIC, true, true)
                    .feed(stream, new int[] {stream.length / 3, stream.length / 2});
            List<String> names = new ArrayList<>();
            assertEquals("Sure — write to [EMAIL_1], and call (415) 555-0132 if it is urgent.",
                    anthropicText(run.text(), names), "cut at " + cut);
            assertEquals(List.of("message_start", "content_block_start", "ping"), names.subList(0, 3));
            assertEquals(List.of("content_block_stop", "message_delta", "message_stop"),
                    names.subList(names.size() - 3, names.size()));
            assertFalse(run.text().contains("jane.doe"), "the value never goes out");
            assertEquals(1, run.scan.count(email));
            assertEquals(1, run.scan.count(catalogue.indexOf("PHONE")), "tagged, counted, left as it was");
        }
    }

    @Test
    void anthropicStreamAValueSplitAcrossThreeDeltasAndEveryTcpReadIsRedacted() throws Exception {
        String answer = "Card on file: jane.doe@example.com ok";
        SplittableRandom random = new SplittableRandom(3);
        for (int first = 0; first <= answer.length(); first++) {
            for (int second = first; second <= answer.length(); second++) {
                List<String> deltas = List.of(answer.substring(0, first), answer.substring(first, second),
                        answer.substring(second));
                byte[] stream = anthropicStream(deltas);
                int[] cuts = random.ints(4, 0, stream.length + 1).sorted().toArray();
                Run run = new Run("scan", new Placeholders(), Provider.ANTHROPIC, true, true).feed(stream, cuts);
                assertEquals("Card on file: [EMAIL_1] ok", anthropicText(run.text(), new ArrayList<>()),
                        first + "/" + second);
            }
        }
    }

    @Test
    void placeholdersSplitAnywhereAreRestored() throws Exception {
        String answer = "I wrote to [EMAIL_1] and cc'd [EMAIL_2]; [EMAIL_3] is not one of yours, nor [EMAIL_1 .";
        for (int first = 0; first <= answer.length(); first++) {
            for (int second = first; second <= answer.length(); second += 3) {
                List<String> deltas = List.of(answer.substring(0, first), answer.substring(first, second),
                        answer.substring(second));
                byte[] stream = anthropicStream(deltas);
                Run run = new Run("restore", requestPlaceholders(), Provider.ANTHROPIC, true, true)
                        .feed(stream, new int[] {stream.length / 2});
                assertEquals("I wrote to jane.doe@example.com and cc'd bob@corp.example; [EMAIL_3] is not one of yours,"
                        + " nor [EMAIL_1 .", anthropicText(run.text(), new ArrayList<>()), first + "/" + second);
                assertEquals(2, run.scan.restoredCount());
            }
        }
    }

    @Test
    void aBlockedTypeStopsTheStreamBeforeItsValue() throws Exception {
        byte[] stream = anthropicStream(List.of("Your card ", "4111 1111 ", "1111 1111 is on file."));
        Run run = new Run("scan", new Placeholders(), Provider.ANTHROPIC, true, true).feed(stream, new int[0]);
        assertTrue(run.rewriter.blocked());
        assertEquals("CREDIT_CARD", run.scan.blockedTypes().toString());
        assertFalse(run.text().contains("4111"), run.text());
        assertFalse(run.text().contains("message_stop"), "nothing after the value goes out");
    }

    // ---- Gemini event streams and streamed arrays ----

    private static String geminiChunk(String text, boolean last) {
        ObjectNode chunk = JSON.createObjectNode();
        ObjectNode candidate = chunk.putArray("candidates").addObject();
        candidate.putObject("content").put("role", "model").putArray("parts").addObject().put("text", text);
        if (last) {
            candidate.put("finishReason", "STOP");
            chunk.putObject("usageMetadata").put("promptTokenCount", 9).put("candidatesTokenCount", 30);
        }
        candidate.put("index", 0);
        return chunk.toString();
    }

    private static byte[] geminiEvents(List<String> texts) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < texts.size(); i++) {
            s.append("data: ").append(geminiChunk(texts.get(i), i == texts.size() - 1)).append("\r\n\r\n");
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] geminiArray(List<String> texts) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < texts.size(); i++) {
            s.append(i == 0 ? "" : ",\r\n").append(geminiChunk(texts.get(i), i == texts.size() - 1));
        }
        return s.append("]").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The candidate's text across Gemini chunks (also read by {@link AnswerPolicyGatewayTest}). */
    static String geminiText(Iterable<JsonNode> chunks) {
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks) {
            for (JsonNode part : chunk.path("candidates").path(0).path("content").path("parts")) {
                text.append(part.path("text").asText());
            }
        }
        return text.toString();
    }

    @Test
    void geminiEventStreamAndStreamedArrayAValueSplitAtEveryByteIsRedacted() throws Exception {
        String answer = "Reach jane.doe@example.com or bob@corp.example today.";
        for (int cut = 0; cut <= answer.length(); cut++) {
            List<String> texts = List.of(answer.substring(0, cut), answer.substring(cut));
            byte[] events = geminiEvents(texts);
            Run sse = new Run("scan", new Placeholders(), Provider.GEMINI, true, true)
                    .feed(events, new int[] {events.length / 2});
            String out = sse.text();
            assertTrue(out.endsWith("\r\n\r\n"));
            List<JsonNode> chunks = new ArrayList<>();
            for (String event : out.substring(0, out.length() - 4).split("\r\n\r\n")) {
                assertTrue(event.startsWith("data: ") && !event.contains("\n"), event);
                chunks.add(JSON.readTree(event.substring(6)));
            }
            assertEquals("Reach [EMAIL_1] or [EMAIL_2] today.", geminiText(JSON.valueToTree(chunks)), "cut at " + cut);
            assertEquals(30, chunks.get(chunks.size() - 1).path("usageMetadata").path("candidatesTokenCount").asInt());

            byte[] array = geminiArray(texts);
            Run streamed = new Run("scan", new Placeholders(), Provider.GEMINI, false, true)
                    .feed(array, new int[] {array.length / 3, array.length / 3 + 1});
            assertEquals("Reach [EMAIL_1] or [EMAIL_2] today.", geminiText(JSON.readTree(streamed.text())), "cut at " + cut);
        }
    }

    // ---- Whole bodies ----

    @Test
    void wholeBodiesOfBothProvidersAreRedactedAndRestored() throws Exception {
        ObjectNode message = JSON.createObjectNode().put("id", "msg_1").put("type", "message");
        message.putArray("content").addObject().put("type", "text")
                .put("text", "Mail [EMAIL_1] — or x.y@example.org — \"quoted\"\n");
        message.putObject("usage").put("input_tokens", 3).put("output_tokens", 5);
        byte[] body = message.toString().getBytes(StandardCharsets.UTF_8);
        Run anthropic = new Run("restore", requestPlaceholders(), Provider.ANTHROPIC, false, false)
                .feed(body, new int[] {7});
        JsonNode out = JSON.readTree(anthropic.text());
        assertEquals("Mail jane.doe@example.com — or x.y@example.org — \"quoted\"\n",
                out.path("content").path(0).path("text").asText(), "restored; not scanned for this tenant");
        assertEquals(5, out.path("usage").path("output_tokens").asInt());

        byte[] gemini = ("[" + geminiChunk("Mail x.y@example.org", true) + "]").getBytes(StandardCharsets.UTF_8);
        gemini = java.util.Arrays.copyOfRange(gemini, 1, gemini.length - 1);
        Run whole = new Run("scan", new Placeholders(), Provider.GEMINI, false, false).feed(gemini, new int[] {20});
        assertEquals("Mail [EMAIL_1]", geminiText(JSON.createArrayNode().add(JSON.readTree(whole.text()))));
    }

    @Test
    void tenMegabytesStreamedHoldBackNoMoreThanTheBound() throws Exception {
        String sentence = "The report for jane.doe@example.com lists order 20240315, total 1,234.50 and more. ";
        List<String> deltas = new ArrayList<>();
        int bytes = 0;
        while (bytes < 10 * 1024 * 1024) {
            deltas.add(sentence.substring(0, 30));
            deltas.add(sentence.substring(30));
            bytes += sentence.length();
        }
        byte[] stream = anthropicStream(deltas);
        Run run = new Run("scan", new Placeholders(), Provider.ANTHROPIC, true, true);
        int maxHeld = 0;
        for (int from = 0; from < stream.length; from += 8192) {
            ByteBuf out = run.rewriter.feed(ALLOC, Unpooled.wrappedBuffer(stream, from, Math.min(8192, stream.length - from)));
            out.release();
            maxHeld = Math.max(maxHeld, run.scan.text(0).heldBytes());
        }
        run.rewriter.finish(ALLOC).release();
        assertEquals(deltas.size() / 2, run.scan.count(email));
        assertTrue(maxHeld <= 256, "held back at most " + maxHeld + " bytes");
    }
}

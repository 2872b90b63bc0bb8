package io.aegis.gateway.answer;

import io.aegis.gateway.pii.PiiAction;
import io.aegis.gateway.pii.PiiInspector;
import io.aegis.gateway.pii.PiiPolicy;
import io.aegis.gateway.pii.Placeholders;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one exchange's answer is held to: the tenant's answer policy, the request's placeholders,
 * and what was found (counts by type, never values), restored and blocked. Hands out the texts of
 * the answer ({@link AnswerText}, one per Anthropic text block or Gemini candidate), each with its
 * own PII stream on the event loop's scanner. One per connection, reused per exchange.
 */
public final class AnswerScan {
    private PiiInspector inspector;
    private PiiPolicy policy;
    private Placeholders placeholders;
    private String tenantId;
    private boolean scans;
    private boolean active;
    private int[] counts = new int[0];
    private int restored;
    private boolean blocked;
    private final StringBuilder blockedTypes = new StringBuilder();
    private final List<AnswerText> texts = new ArrayList<>();
    /**
     * Numbers the answer's placeholders on from the request's, so a value has one placeholder in both;
     * never remembered for restoring (a restored answer must not turn its own redactions back).
     */
    private final Placeholders numbering = new Placeholders();

    /**
     * Starts an exchange's answer; true when it needs rewriting at all: the tenant scans answers, or
     * restores placeholders and the request got some.
     */
    public boolean begin(PiiInspector inspector, PiiPolicy policy, Placeholders placeholders, String tenantId) {
        this.inspector = inspector;
        this.policy = policy;
        this.tenantId = tenantId == null ? "" : tenantId;
        this.scans = policy.scansAnswers();
        this.placeholders = policy.restores() && placeholders.restorable() ? placeholders : null;
        active = scans || this.placeholders != null;
        if (!active) {
            return false; // most tenants: nothing to set up on the request path
        }
        int types = inspector.catalogue().types().size();
        if (counts.length != types) {
            counts = new int[types];
        } else {
            Arrays.fill(counts, 0);
        }
        numbering.continueFrom(placeholders, types);
        restored = 0;
        blocked = false;
        blockedTypes.setLength(0);
        return true;
    }

    /** True between a {@link #begin} that needed rewriting and {@link #end}. */
    public boolean active() {
        return active;
    }

    /**
     * Ends the exchange: a text cut short frees its native stream; texts that ended keep theirs for
     * the connection's next answer.
     */
    public void end() {
        active = false;
        restored = 0;
        blocked = false;
        blockedTypes.setLength(0);
        for (int i = 0; i < texts.size(); i++) { // indexed: no iterator on every exchange's exit
            if (texts.get(i).open()) {
                texts.get(i).close();
            }
        }
    }

    /** Frees every native stream: the connection is gone. */
    public void close() {
        for (AnswerText text : texts) {
            text.close();
        }
        texts.clear();
    }

    /** Findings of catalogue type {@code type} in the answer so far. */
    public int count(int typeIndex) {
        return typeIndex < counts.length ? counts[typeIndex] : 0;
    }

    public PiiCatalogue catalogue() {
        return inspector.catalogue();
    }

    /** Placeholders turned back into originals so far. */
    public int restoredCount() {
        return restored;
    }

    public boolean blocked() {
        return blocked;
    }

    /** The blocked types' names (never values). */
    public CharSequence blockedTypes() {
        return blockedTypes;
    }

    /** The text with index {@code index} of this answer (a Gemini candidate; 0 for Anthropic's current block). */
    AnswerText text(int index) {
        while (texts.size() <= index) {
            texts.add(new AnswerText(this));
        }
        return texts.get(index);
    }

    /** How many texts have been handed out (some may be closed). */
    int textCount() {
        return texts.size();
    }

    boolean scans() {
        return scans;
    }

    PiiStream openStream() {
        return inspector.scanner().openStream(inspector.holdbackBytes());
    }

    Placeholders placeholders() {
        return placeholders;
    }

    PiiAction action(int type) {
        return policy.responseAction(type);
    }

    void found(int type) {
        counts[type]++;
    }

    void restored() {
        restored++;
    }

    void block(int type) {
        String name = inspector.catalogue().types().get(type).name();
        if (blockedTypes.indexOf(name) < 0) {
            blockedTypes.append(blockedTypes.length() == 0 ? "" : ", ").append(name);
        }
        blocked = true;
    }

    /** The redaction of a value in the answer, in its type's style; numbered with the request's placeholders. */
    String replacement(int type, String value) {
        return inspector.redactor().replacement(inspector.catalogue(), type, value, tenantId, numbering);
    }
}

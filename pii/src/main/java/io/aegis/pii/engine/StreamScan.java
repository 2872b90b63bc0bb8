package io.aegis.pii.engine;

import io.aegis.pii.Findings;
import io.aegis.pii.PiiStream;
import io.aegis.pii.validate.PiiValidator;
import java.util.Arrays;

/**
 * A {@link PiiStream} over the shared extraction, so both engines decide exactly what a block scan
 * of the whole text would. Each step (an append, or the finish):
 * <ol>
 *   <li>works out the <em>settled</em> offset: for each pattern shape, a match that future bytes
 *       could still change contains no byte outside the shape's alphabet, spans at most its width
 *       (capped by the hold-back), and comes within {@link PiiValidator#NEIGHBOUR_BYTES} of the end;
 *       every match starting before the least such bound is final;</li>
 *   <li>searches each pattern, from where it left off, for accepted matches starting before the
 *       settled offset (only inside the prefilter's clusters when there is one);</li>
 *   <li>resolves overlaps per component, once no later candidate can reach it (longest wins, as in
 *       {@link FindingExtractor#finish}), and hands those findings out as decided.</li>
 * </ol>
 * The buffer keeps the text the reader has not released, the undecided tail, and a few bytes of
 * context before them; it is compacted in place, so a long answer does not grow it.
 */
final class StreamScan implements PiiStream {
    private static final int LOOK = PiiValidator.NEIGHBOUR_BYTES;

    private final CompiledCatalogue compiled;
    private final FindingExtractor extractor;
    private final StreamPrefilter prefilter;
    private final int holdback;
    private final int typeCount;
    private final int[] nextSearch;
    private final Findings decided = new Findings();

    private byte[] buffer = new byte[4096];
    /** The stream offset of {@code buffer[0]}. */
    private int base;
    private int length;
    private int settled;
    private int decidedUpTo;
    private int released;
    private boolean finished;
    /** Accepted matches starting before {@link #settled} whose overlap component is still open. */
    private long[] pending = new long[16];
    private int pendingCount;

    StreamScan(CompiledCatalogue compiled, FindingExtractor extractor, StreamPrefilter prefilter, int holdbackBytes) {
        if (holdbackBytes < 1) {
            throw new IllegalArgumentException("the hold-back must be at least one byte");
        }
        this.compiled = compiled;
        this.extractor = extractor;
        this.prefilter = prefilter;
        this.holdback = holdbackBytes;
        this.typeCount = compiled.catalogue.types().size();
        this.nextSearch = new int[compiled.patterns.length];
        reset();
    }

    @Override
    public void reset() {
        base = 0;
        length = 0;
        settled = 0;
        decidedUpTo = 0;
        released = 0;
        finished = false;
        pendingCount = 0;
        Arrays.fill(nextSearch, 0);
        decided.clear(typeCount);
        if (prefilter != null) {
            prefilter.reset();
        }
    }

    @Override
    public void append(byte[] text, int offset, int count) {
        if (finished) {
            throw new IllegalStateException("the stream has finished");
        }
        if (count == 0) {
            return;
        }
        if ((long) end() + count > Integer.MAX_VALUE - 1) {
            throw new IllegalStateException("a scanned stream is limited to 2 GiB");
        }
        makeRoom(count);
        System.arraycopy(text, offset, buffer, length, count);
        if (prefilter != null) {
            prefilter.scan(buffer, length, count);
        }
        length += count;
        step(settledOffset());
    }

    @Override
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (prefilter != null) {
            prefilter.finish();
        }
        step(end());
    }

    @Override
    public int end() {
        return base + length;
    }

    @Override
    public int decidedUpTo() {
        return decidedUpTo;
    }

    @Override
    public Findings decided() {
        return decided;
    }

    @Override
    public void takeDecided() {
        decided.reset();
    }

    @Override
    public byte byteAt(int offset) {
        return buffer[offset - base];
    }

    @Override
    public void copy(int from, int to, byte[] out, int at) {
        System.arraycopy(buffer, from - base, out, at, to - from);
    }

    @Override
    public void release(int offset) {
        released = Math.max(released, Math.min(offset, decidedUpTo));
    }

    @Override
    public int bufferBytes() {
        return buffer.length;
    }

    @Override
    public void close() {
        if (prefilter != null) {
            prefilter.close();
        }
    }

    /** The least offset a match in progress could start at (see the class comment). */
    private int settledOffset() {
        int end = end();
        int lookLimit = end - LOOK;
        int least = end;
        for (PatternShape shape : compiled.distinctShapes) {
            int lowest = Math.max(settled, lookLimit - Math.min(shape.maxWidth, holdback));
            int i = lookLimit - 1;
            boolean[] alphabet = shape.alphabet;
            while (i >= lowest && alphabet[buffer[i - base] & 0xff]) {
                i--;
            }
            least = Math.min(least, i >= lowest ? i + 1 : lowest);
            if (least <= settled) {
                break;
            }
        }
        return Math.max(settled, Math.min(least, end));
    }

    private void step(int nowSettled) {
        settled = nowSettled;
        boolean begun = false;
        for (int p = 0; p < nextSearch.length; p++) {
            int from = Math.max(nextSearch[p], base);
            if (prefilter == null) {
                if (!begun) {
                    extractor.begin(buffer, length);
                    begun = true;
                }
                from = extractor.extractBefore(p, buffer, length, from - base, length, settled - base) + base;
            } else if (prefilter.spans().count(p) > 0) {
                // Most steps of most answers: nothing reported, no matcher touched.
                if (!begun) {
                    extractor.begin(buffer, length);
                    begun = true;
                }
                from = searchClusters(p, from);
            }
            nextSearch[p] = Math.max(from, settled);
        }
        if (begun) {
            collect();
        }
        decide();
    }

    /** Searches pattern {@code p} inside the prefilter's clusters; returns where its search goes on. */
    private int searchClusters(int p, int from) {
        SpanRecorder spans = prefilter.spans();
        if (spans.count(p) == 0) {
            return from;
        }
        LeadingRun lead = prefilter.lead(p);
        if (lead != null) {
            spans.reachBack(p, lead, buffer, base, Math.max(from, base));
        }
        int clusters = spans.clusters(p);
        int position = from;
        for (int c = 0; c < clusters; c++) {
            int clusterEnd = Math.min(spans.clusterEnd(p, c), end());
            int start = Math.max(position, spans.clusterStart(p, c));
            if (start >= settled) {
                break;
            }
            if (start < clusterEnd) {
                position = extractor.extractBefore(p, buffer, length, start - base, clusterEnd - base,
                        settled - base) + base;
            }
        }
        spans.dropEndedBy(p, settled);
        return position;
    }

    /** Moves this step's accepted matches into the pending list, in stream offsets. */
    private void collect() {
        int count = extractor.candidateCount();
        if (count == 0) {
            return;
        }
        long[] found = extractor.candidates();
        if (pendingCount + count > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingCount + count));
        }
        for (int i = 0; i < count; i++) {
            long key = found[i];
            int start = CandidateKeys.start(key) + base;
            int end = CandidateKeys.end(key) + base;
            pending[pendingCount++] = CandidateKeys.key(start, end, CandidateKeys.type(key));
        }
        extractor.clearCandidates();
    }

    /** Resolves every overlap component no later candidate can reach, in text order. */
    private void decide() {
        int resolved = 0;
        if (pendingCount > 0) {
            Arrays.sort(pending, 0, pendingCount);
            while (resolved < pendingCount) {
                int componentEnd = CandidateKeys.componentEnd(pending, resolved, pendingCount);
                if (!finished && CandidateKeys.componentReach(pending, resolved, componentEnd) > settled) {
                    break;
                }
                CandidateKeys.resolve(pending, resolved, componentEnd, decided);
                resolved = componentEnd;
            }
            System.arraycopy(pending, resolved, pending, 0, pendingCount - resolved);
            pendingCount -= resolved;
        }
        decidedUpTo = pendingCount == 0 ? settled : Math.min(settled, CandidateKeys.start(pending[0]));
    }

    /** Drops text nobody needs any more, and grows the buffer only when what is kept still does not fit. */
    private void makeRoom(int count) {
        if (length + count <= buffer.length) {
            return;
        }
        int keepFrom = Math.min(released, decidedUpTo);
        if (pendingCount > 0) {
            keepFrom = Math.min(keepFrom, CandidateKeys.start(pending[0]));
        }
        keepFrom = Math.max(base, keepFrom - LOOK);
        int drop = keepFrom - base;
        if (drop > 0) {
            System.arraycopy(buffer, drop, buffer, 0, length - drop);
            length -= drop;
            base = keepFrom;
        }
        if (length + count > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + count));
        }
    }
}

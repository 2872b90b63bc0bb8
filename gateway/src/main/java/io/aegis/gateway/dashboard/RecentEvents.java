package io.aegis.gateway.dashboard;

import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceFormat;
import io.aegis.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The dashboard's live tail: the newest trace events that match a filter, read backwards from the
 * queue's end with a reader of its own (the writer and the drainer are never disturbed). A look
 * reads at most {@link #MAX_SCANNED} events, so a filter that matches nothing costs a bounded read,
 * never the queue's history. On the control API's threads, one look at a time.
 */
public final class RecentEvents {
    /** Events read back per look at most. */
    static final int MAX_SCANNED = 5_000;
    /** Events answered per look at most. */
    public static final int MAX_LIMIT = 200;

    private final Path queueDir;
    private final TraceEvent event = new TraceEvent();
    private final StringBuilder text = new StringBuilder(512);

    public RecentEvents(Path queueDir) {
        this.queueDir = queueDir;
    }

    /** The newest events matching {@code filter} (or all, when {@code null}), newest first, as trace JSON. */
    public synchronized List<String> newest(TraceFilter filter, int limit) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(queueDir)) {
            return out;
        }
        int wanted = Math.max(1, Math.min(MAX_LIMIT, limit));
        // A reader per look: the queue's end moves, and a backward tailer is positioned once.
        try (TraceReader reader = new TraceReader(queueDir)) {
            reader.newestFirst();
            for (int scanned = 0; scanned < MAX_SCANNED && out.size() < wanted && reader.next(event); scanned++) {
                if (filter == null || filter.accepts(event)) {
                    TraceFormat.json(event, text);
                    out.add(text.toString());
                }
            }
        }
        return out;
    }
}

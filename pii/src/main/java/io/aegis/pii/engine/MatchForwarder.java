package io.aegis.pii.engine;

import com.gliwka.hyperscan.jni.match_event_handler;
import org.bytedeco.javacpp.Pointer;

/**
 * The one native callback of a thread's scanner, handing each report to the recorder of whatever
 * it scans now (its own block recorder, or a stream's). Callbacks are native thunks that JavaCPP
 * hands out from a small fixed pool, so a stream per answer cannot have its own.
 */
final class MatchForwarder extends match_event_handler {
    SpanRecorder target;

    @Override
    public int call(int id, long from, long to, int flags, Pointer context) {
        target.record(id, from, to);
        return 0;
    }
}

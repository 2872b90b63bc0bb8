package io.aegis.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FaultPlanTest {
    @Test
    void requestsNameTheirFaultByHeaderOrModel() {
        FaultPlan plan = FaultPlan.none();
        assertEquals(MockFault.RATE_LIMITED, plan.choose("429", "m"));
        assertEquals(MockFault.RESET_MID_STREAM, plan.choose(null, "claude-sonnet-4-5-fault-reset_mid_stream"));
        assertEquals(MockFault.SLOW_DRIP, plan.choose("slow-drip", "gemini-2.5-flash"));
        assertEquals(MockFault.NONE, plan.choose(null, "claude-sonnet-4-5"));
        assertEquals(MockFault.NONE, plan.choose(null, "default-model"), "'fault-' must start a segment");
    }

    @Test
    void countedFaultsHitOnlyTheFirstRequests() {
        FaultPlan plan = FaultPlan.none();
        String model = "claude-haiku-4-5-fault-500x2-case1";
        assertEquals(MockFault.SERVER_ERROR, plan.choose(null, model));
        assertEquals(MockFault.SERVER_ERROR, plan.choose(null, model));
        assertEquals(MockFault.NONE, plan.choose(null, model));
        assertEquals(MockFault.SERVER_ERROR, plan.choose(null, "claude-haiku-4-5-fault-500x2-case2"),
                "another model has its own count");
    }

    @Test
    void sharesAreDrawnReproducibly() {
        FaultPlan a = FaultPlan.parse("429@0.5,503@0.25", 42);
        FaultPlan b = FaultPlan.parse("429@0.5,503@0.25", 42);
        int limited = 0;
        for (int i = 0; i < 2000; i++) {
            MockFault fault = a.choose(null, "m");
            assertEquals(fault, b.choose(null, "m"));
            limited += fault == MockFault.RATE_LIMITED ? 1 : 0;
        }
        assertTrue(limited > 850 && limited < 1150, "about half: " + limited);
    }

    @Test
    void badSpecsAreRejectedWithTheKnownNames() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> FaultPlan.parse("teapot", 1));
        assertTrue(unknown.getMessage().contains("reset_mid_stream"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.parse("429@2", 1));
    }
}

package io.aegis.natives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HyperscanSupportTest {
    @Test
    void loadsOnLinuxX8664() {
        HyperscanSupport support = HyperscanSupport.current();
        if (System.getProperty("os.arch").equals("amd64") && System.getProperty("os.name").equals("Linux")) {
            assertTrue(support.available(), "Hyperscan ships for linux-x86_64: " + support.reason());
            assertTrue(support.version().startsWith("5.4"), support.version());
            assertNull(support.reason());
        } else {
            assertNotNull(support.reason(), "elsewhere it may be missing, but never without a reason");
        }
    }

    @Test
    void canBeSwitchedOffForComparisons() {
        String before = System.getProperty(HyperscanSupport.DISABLE_PROPERTY);
        System.setProperty(HyperscanSupport.DISABLE_PROPERTY, "false");
        try {
            HyperscanSupport off = HyperscanSupport.current();
            assertFalse(off.available());
            assertEquals("disabled with -Daegis.hyperscan.enabled=false", off.reason());
        } finally {
            if (before == null) {
                System.clearProperty(HyperscanSupport.DISABLE_PROPERTY);
            } else {
                System.setProperty(HyperscanSupport.DISABLE_PROPERTY, before);
            }
        }
    }
}

package io.aegis.cli.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The JVM flags are written once in the parent pom and mirrored in bin/aegis: the two must agree. */
class LauncherFlagsTest {
    @Test
    void launcherMirrorsThePomFlags() throws IOException {
        Path root = Path.of(System.getProperty("aegis.project.root", "..")).toAbsolutePath().normalize();
        String pom = Files.readString(root.resolve("pom.xml"));
        String launcher = Files.readString(root.resolve("bin/aegis"));
        Matcher pomFlags = Pattern.compile("<aegis.jvm.flags>([^<]+)</aegis.jvm.flags>").matcher(pom);
        Matcher launcherFlags = Pattern.compile("AEGIS_JVM_FLAGS=\"([^\"]+)\"").matcher(launcher);
        assertTrue(pomFlags.find(), "pom.xml defines <aegis.jvm.flags>");
        assertTrue(launcherFlags.find(), "bin/aegis defines AEGIS_JVM_FLAGS");
        assertEquals(pomFlags.group(1).trim(), launcherFlags.group(1).trim());
        assertTrue(pomFlags.group(1).contains("-Dchronicle.analytics.disable=true"), "no phone-home");
        assertTrue(pomFlags.group(1).contains("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0"),
                "JavaCPP's resident-memory limit off: it would sleep, then fail, a Hyperscan buffer on an event loop");
    }
}

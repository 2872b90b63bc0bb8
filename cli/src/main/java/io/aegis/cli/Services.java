package io.aegis.cli;

import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.config.ConfigException;
import io.aegis.gateway.config.ConfigLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** What the long-running commands share: where the project is, loading its config, running until stopped. */
final class Services {
    private Services() {
    }

    /** The project root: {@code -Daegis.home} (set by bin/aegis), else the working directory. */
    static Path projectRoot() {
        String home = System.getProperty("aegis.home");
        return Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
    }

    /** {@code --config FILE}, or {@code configs/aegis.yaml} under the project root. */
    static Path configFile(String configArg) {
        return configArg == null ? projectRoot().resolve("configs/aegis.yaml") : Path.of(configArg);
    }

    /** The config in {@code configFile}, or {@code null} after its problems were printed (with file and line). */
    static AegisConfig loadConfig(Path configFile, PrintStream err) {
        try {
            return ConfigLoader.load(configFile, projectRoot(), System::getenv);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return null;
        }
    }

    /**
     * Blocks until the JVM is asked to stop, then closes {@code service} inside the shutdown hook: the
     * JVM waits for its hooks, not for the main thread, so a graceful drain must run there.
     */
    static void runUntilShutdown(AutoCloseable service, PrintStream out) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                out.println("aegis: stopping (draining in-flight requests)");
                service.close();
            } catch (Exception e) {
                out.println("aegis: stop failed: " + e.getClass().getName());
            } finally {
                stopped.countDown();
            }
        }, "aegis-shutdown"));
        stopped.await();
    }
}

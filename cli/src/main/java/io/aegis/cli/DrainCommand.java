package io.aegis.cli;

import io.aegis.control.ConfigStore;
import io.aegis.control.ConfigVersion;
import io.aegis.control.Json;
import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.config.ConfigException;
import io.aegis.gateway.config.ConfigLoader;
import io.aegis.trace.drain.DrainerService;
import io.aegis.trace.drain.Sampling;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code aegis drain}: the AITrace drainer as its own process (and the in-process one of {@code aegis run}). */
final class DrainCommand {
    private DrainCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        CommandOptions options = new CommandOptions(args);
        String configArg = options.value("--config");
        options.rejectLeftovers();
        AegisConfig config = Services.loadConfig(Services.configFile(configArg), err);
        if (config == null) {
            return AegisMain.EXIT_USAGE;
        }
        try {
            Services.runUntilShutdown(startDrainer(config, out), out);
            return AegisMain.EXIT_OK;
        } catch (IOException e) {
            err.println("aegis drain: " + e.getMessage());
            return AegisMain.EXIT_USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AegisMain.EXIT_OK;
        }
    }

    static DrainerService startDrainer(AegisConfig config, PrintStream out) throws IOException {
        Files.createDirectories(config.traceQueueDir());
        var listen = config.drainer().prometheusListen();
        AegisConfig.SamplingSettings sampling = storedSampling(config);
        DrainerService drainer = DrainerService.start(config.traceQueueDir(), config.dataDir().resolve("drainer"),
                listen.host(), listen.port(), config.drainer().otlpEndpoint(),
                new Sampling(sampling.defaultRate(), sampling.tenants(), sampling.tags()),
                TimeUnit.HOURS.toMillis(config.traceRetentionHours()));
        out.println("aegis drainer reading " + config.traceQueueDir() + ", metrics on http://"
                + listen.host() + ":" + drainer.metricsAddress().getPort() + "/metrics");
        out.flush();
        return drainer;
    }

    /**
     * The sampling of the last config version the control API stored, else the config file's: a
     * drainer of its own process picks up sampling changes when it starts.
     */
    private static AegisConfig.SamplingSettings storedSampling(AegisConfig config) throws IOException {
        Path versions = config.dataDir().resolve("config");
        if (!Files.isDirectory(versions)) {
            return config.drainer().sampling();
        }
        List<ConfigVersion> stored = new ConfigStore(config.dataDir()).versions();
        if (stored.isEmpty()) {
            return config.drainer().sampling();
        }
        ConfigVersion last = stored.get(stored.size() - 1);
        try {
            return ConfigLoader.sampling(Json.mapper().writeValueAsString(last.document().path("sampling")),
                    versions + " version " + last.version());
        } catch (ConfigException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}

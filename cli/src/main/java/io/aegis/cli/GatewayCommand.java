package io.aegis.cli;

import io.aegis.control.ControlService;
import io.aegis.gateway.GatewayRuntime;
import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.config.AuthMode;
import io.aegis.gateway.config.ConfigException;
import io.aegis.gateway.config.ProviderSettings;
import io.aegis.gateway.control.ControlApi;
import io.aegis.gateway.proxy.ExchangeListener;
import io.aegis.mock.MockUpstream;
import io.aegis.natives.NetworkTransports;
import io.aegis.trace.drain.DrainerService;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code aegis run} (gateway, control API and the trace drainer in one process) and {@code aegis gateway}
 * (the drainer left to {@code aegis drain}). A config with {@code mock_upstream:} (the demo's) gets
 * its mock started first, in process.
 */
final class GatewayCommand {
    private GatewayCommand() {
    }

    static int run(String command, List<String> args, PrintStream out, PrintStream err) {
        CommandOptions options = new CommandOptions(args);
        String configArg = options.value("--config");
        boolean fileWins = options.flag("--config-file-wins");
        if (configArg == null && command.equals("gateway")) {
            throw new UsageException("--config FILE is required");
        }
        options.rejectLeftovers();
        Path configFile = Services.configFile(configArg);
        AegisConfig config = Services.loadConfig(configFile, err);
        if (config == null) {
            return AegisMain.EXIT_USAGE;
        }
        Closer running = new Closer();
        try {
            if (config.mockUpstream() != null) {
                MockUpstream mock = MockUpstreamCommand.startInProcess(config.mockUpstream());
                running.addStoppedLast(mock);
                out.println("mock upstream listening on " + mock.baseUrl());
            }
            GatewayRuntime runtime = GatewayRuntime.start(config, ExchangeListener.NONE);
            running.add(runtime);
            NetworkTransports.logChoice(runtime.transport());
            warnAboutMissingProviderKeys(config, err);
            out.println("aegis gateway listening on " + runtime.server().baseUrl() + " (auth "
                    + config.authMode().name().toLowerCase(Locale.ROOT) + ", config " + configFile + ")");
            ControlApi control = ControlApi.start(config, runtime, System::getenv, fileWins
                    ? ControlService.FileEdits.FILE_WINS : ControlService.FileEdits.ADOPT_UNLESS_CONFLICT);
            running.add(control);
            out.println("aegis control API on " + control.baseUrl(config) + " (config version "
                    + control.service().current().version() + ", admin token from " + control.tokenSource() + ")");
            out.flush();
            if (command.equals("run")) {
                // `aegis run` drains its own queue in process; `aegis gateway` leaves that to `aegis drain`.
                DrainerService drainer;
                try {
                    drainer = DrainCommand.startDrainer(config, out);
                } catch (IOException | RuntimeException e) {
                    running.close();
                    err.println("aegis run: cannot start the trace drainer: " + e.getMessage());
                    return AegisMain.EXIT_USAGE;
                }
                // Stopped after the gateway, so that it drains the events of the requests finishing then.
                running.addStoppedLast(drainer);
                // Sampling changed through the control API reaches the in-process drainer at once.
                control.plane().samplingSink(drainer::sampling);
                drainer.sampling(control.plane().currentSampling());
            }
            Services.runUntilShutdown(running, out);
            return AegisMain.EXIT_OK;
        } catch (ConfigException e) {
            running.close();
            err.println(e.getMessage());
            return AegisMain.EXIT_USAGE;
        } catch (InterruptedException e) {
            running.close();
            Thread.currentThread().interrupt();
            return AegisMain.EXIT_OK;
        } catch (Exception e) {
            running.close();
            // Netty rethrows bind failures (address in use) unchecked-style; TLS set-up fails with SSLException.
            err.println("aegis " + command + ": cannot start on " + config.gateway().listen() + ": " + e);
            return AegisMain.EXIT_USAGE;
        }
    }

    /** In virtual mode a provider without a key answers 500 per request; say so once at start-up. */
    private static void warnAboutMissingProviderKeys(AegisConfig config, PrintStream err) {
        if (config.authMode() != AuthMode.VIRTUAL) {
            return;
        }
        for (ProviderSettings provider : config.providers().values()) {
            if (provider.apiKeys().isEmpty()) {
                err.println("aegis: warning: no " + provider.provider().configName() + " provider key ("
                        + provider.apiKeySource() + " is unset); its requests will get 500 until it is set");
            }
        }
    }

    /**
     * What has started, closed in reverse order of starting (the control API before the gateway), except
     * what must outlive the gateway's drain of in-flight requests (the drainer, the mock they may still use).
     */
    private static final class Closer implements AutoCloseable {
        private final java.util.ArrayDeque<AutoCloseable> started = new java.util.ArrayDeque<>();

        void add(AutoCloseable service) {
            started.push(service);
        }

        void addStoppedLast(AutoCloseable service) {
            started.addLast(service);
        }

        @Override
        public void close() {
            AutoCloseable service;
            while ((service = started.poll()) != null) {
                try {
                    service.close();
                } catch (Exception e) {
                    System.err.println("aegis: stopping " + service.getClass().getSimpleName() + " failed: "
                            + e.getClass().getName());
                }
            }
        }
    }
}

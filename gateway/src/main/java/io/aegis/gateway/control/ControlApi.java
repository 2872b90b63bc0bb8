package io.aegis.gateway.control;

import io.aegis.control.AdminToken;
import io.aegis.control.ChangeRejected;
import io.aegis.control.ConfigStore;
import io.aegis.control.ControlServer;
import io.aegis.control.ControlService;
import io.aegis.control.Problem;
import io.aegis.gateway.GatewayRuntime;
import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.config.ConfigException;
import io.aegis.yaml.LocatedProblem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The control API of one running gateway: its config store in {@code DATA_DIR/config}, the last
 * stored version put in force (or the config file's settings stored as version 1), the admin
 * token, and the HTTP server on {@code control.listen}.
 */
public final class ControlApi implements AutoCloseable {
    private final ControlService service;
    private final ControlServer server;
    private final GatewayDataPlane plane;
    private final AdminToken token;

    private ControlApi(ControlService service, ControlServer server, GatewayDataPlane plane, AdminToken token) {
        this.service = service;
        this.server = server;
        this.plane = plane;
        this.token = token;
    }

    /**
     * Starts it for {@code runtime}; a stored version that no longer checks (a rule naming a PII type
     * the catalogue lost, say) stops the start with every problem.
     */
    public static ControlApi start(AegisConfig config, GatewayRuntime runtime, Function<String, String> env)
            throws IOException, ConfigException {
        return start(config, runtime, env, ControlService.FileEdits.ADOPT_UNLESS_CONFLICT);
    }

    /**
     * The same, saying how edits of the config file's rules, tenants and sampling meet control API
     * changes made since (see {@link ControlService#start(ConfigStore, io.aegis.control.DataPlane,
     * io.aegis.trace.TraceWriter, String, ControlService.FileEdits)}); a conflict stops the start.
     */
    public static ControlApi start(AegisConfig config, GatewayRuntime runtime, Function<String, String> env,
                                   ControlService.FileEdits fileEdits) throws IOException, ConfigException {
        GatewayDataPlane plane = new GatewayDataPlane(config, runtime, runtime.metrics());
        ControlService service;
        try {
            service = ControlService.start(new ConfigStore(config.dataDir()), plane, runtime.trace(),
                    config.file().toString(), fileEdits);
        } catch (ControlService.FileConflict e) {
            throw new ConfigException(List.of(LocatedProblem.ofFile(e.configFile(), e.getMessage())));
        } catch (ChangeRejected e) {
            List<LocatedProblem> problems = new ArrayList<>();
            for (Problem p : e.problems()) {
                problems.add(new LocatedProblem(config.dataDir().resolve("config") + " (last version)", p.line(),
                        p.column(), p.path(), p.message()));
            }
            throw new ConfigException(problems);
        }
        AdminToken token = AdminToken.resolve(config.control().adminTokenEnv(), env, config.dataDir());
        var listen = config.control().listen();
        ControlServer server = ControlServer.start(new InetSocketAddress(listen.host(), listen.port()), service, token);
        return new ControlApi(service, server, plane, token);
    }

    public ControlService service() {
        return service;
    }

    public GatewayDataPlane plane() {
        return plane;
    }

    /** {@code http://host:port} of the control API. */
    public String baseUrl(AegisConfig config) {
        return "http://" + config.control().listen().host() + ":" + server.port();
    }

    public int port() {
        return server.port();
    }

    /** Where the admin token came from (never the token). */
    public String tokenSource() {
        return token.source();
    }

    @Override
    public void close() {
        server.close();
    }
}

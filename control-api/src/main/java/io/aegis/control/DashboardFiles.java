package io.aegis.control;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The operator dashboard's static files, read from the jar once at start: {@code GET /} is the page,
 * {@code /dashboard/app.js} and {@code /dashboard/app.css} what it loads. No CDN and no build step:
 * the files are served as written. Every answer carries a content security policy that lets the
 * page load only its own script and style and talk only to this server, so nothing a tenant or a
 * caller named (model names, rule ids) can run as script even if it reached the page's markup.
 */
final class DashboardFiles {
    /** Only the page's own files and its own origin; no inline script, no frames. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    record File(String type, byte[] bytes) {
    }

    private final Map<String, File> files;

    private DashboardFiles(Map<String, File> files) {
        this.files = files;
    }

    static DashboardFiles load() {
        return new DashboardFiles(Map.of(
                "/", read("index.html", "text/html; charset=utf-8"),
                "/dashboard/app.js", read("app.js", "text/javascript; charset=utf-8"),
                "/dashboard/app.css", read("app.css", "text/css; charset=utf-8")));
    }

    private static File read(String name, String type) {
        try (InputStream in = DashboardFiles.class.getResourceAsStream("dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file " + name + " is missing from the jar");
            }
            return new File(type, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file served at {@code path}, or {@code null}. */
    File get(String path) {
        return files.get(path);
    }

    void send(HttpExchange exchange, File file) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", file.type());
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, file.bytes().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(file.bytes());
        }
    }
}

package io.aegis.gateway.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator dashboard in a real headless browser (the OS's Chromium, driven by its ChromeDriver;
 * nothing is downloaded): a wrong token refused, signing in, a request made through the gateway in
 * the panels within two seconds, a tenant's sampling changed from the page and the change in the
 * audit pane with who made it, and the live tail filtered with CEL.
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;
    private WebDriver browser;

    @BeforeEach
    void browser() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && System.getenv("CI") != null) {
            throw new AssertionError("CI must have chromium and chromium-driver (.ci/run installs them)");
        }
        Assumptions.assumeTrue(present, "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // A closed network: no background connections, no component updates, a profile of its own.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--window-size=1400,2200", "--user-data-dir=" + dir.resolve("profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorSignsInSeesTrafficChangesSamplingAndTailsEvents() throws Exception {
        String topExtra = "trace: { queue_dir: \"" + dir.resolve("trace") + "\" }";
        try (TestGateway gateway = TestGateway.builder().dataDir(dir.resolve("data")).topExtra(topExtra)
                .acmeExtra("budget: { usd_per_day: 2 }").control().start()) {
            ControlClient client = new ControlClient(gateway);
            browser.get(gateway.controlUrl() + "/");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(5));

            // A wrong token is refused, and the panels stay hidden.
            signIn("not-the-token", "mallory");
            wait.until(d -> d.findElement(By.id("login-error")).getText().contains("refused"));
            assertFalse(browser.findElement(By.id("board")).isDisplayed());
            assertEquals(null, session("aegis.adminToken"), "a refused token is not kept");

            signIn(TestGateway.ADMIN_TOKEN, "alice");
            wait.until(d -> d.findElement(By.id("board")).isDisplayed());
            assertFalse(browser.getCurrentUrl().contains(TestGateway.ADMIN_TOKEN), "never in the URL");
            assertEquals(TestGateway.ADMIN_TOKEN, session("aegis.adminToken"), "kept in session storage");

            // A request through the gateway appears in the panels within two seconds.
            assertEquals(200, client.message(TestGateway.ACME_KEY, "claude-sonnet-4-5").statusCode());
            long madeAt = System.nanoTime();
            new WebDriverWait(browser, Duration.ofSeconds(2)).until(d -> rowWith(d, "traffic-table",
                    List.of("acme", "anthropic", "claude-sonnet-4-5", "1")) != null);
            System.out.printf("the request was in the traffic panel %d ms after it finished%n",
                    (System.nanoTime() - madeAt) / 1_000_000);
            new WebDriverWait(browser, Duration.ofSeconds(2)).until(d -> rowWith(d, "spend-table", List.of("acme")) != null
                    && !d.findElement(By.id("total-p50")).getText().equals("-"));
            assertTrue(rowWith(browser, "upstream-table", List.of("anthropic", "closed")) != null);

            // The operator changes acme's sampling; the change is audited with her name.
            new Select(browser.findElement(By.id("sampling-scope"))).selectByValue("tenants");
            browser.findElement(By.id("sampling-name")).sendKeys("acme");
            browser.findElement(By.id("sampling-rate")).sendKeys("0.25");
            browser.findElement(By.id("sampling-apply")).click();
            wait.until(d -> rowWith(d, "audit-table", List.of("alice", "sampling.replace")) != null);
            wait.until(d -> rowWith(d, "sampling-table", List.of("tenant acme", "0.25")) != null);
            assertEquals(0.25, ControlClient.json(client.admin("GET", "/v1/sampling", null)).path("sampling")
                    .path("tenants").path("acme").asDouble(), "the page went through PUT /v1/sampling");

            // More traffic, one answer rate-limited by the provider and retried, for the screenshot.
            for (int i = 0; i < 12; i++) {
                client.message(TestGateway.ACME_KEY, i == 5 ? "claude-haiku-4-5-fault-429x1" : "claude-sonnet-4-5");
            }
            client.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gateway.baseUrl() + "/v1/messages"))
                    .header("x-api-key", TestGateway.ACME_KEY).header("content-type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-4-5\","
                            + "\"max_tokens\":16,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            wait.until(d -> rowWith(d, "traffic-table", List.of("claude-haiku-4-5-fault-429x1")) != null);

            // The live tail, filtered with CEL: only the matching events (the list refreshes every two
            // seconds, so it is judged whole: every line matches, none is left from before the filter).
            WebElement where = browser.findElement(By.id("tail-where"));
            where.sendKeys("model == \"claude-haiku-4-5-fault-429x1\"");
            browser.findElement(By.id("tail-apply")).click();
            wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                    "const lines = Array.from(document.querySelectorAll('#tail li .line'));"
                            + "return lines.length === 1 && lines[0].textContent.includes('claude-haiku-4-5-fault-429x1');"));
            where.clear();
            where.sendKeys("tenant == \"acme\" && status == 200");
            browser.findElement(By.id("tail-apply")).click();
            wait.until(d -> (Long) ((JavascriptExecutor) d).executeScript(
                    "return document.querySelectorAll('#tail li').length;") == 14);
            wait.until(d -> !d.findElement(By.id("first-token-p50")).getText().equals("-"));
            screenshot();
            where.clear();
            where.sendKeys("status >");
            browser.findElement(By.id("tail-apply")).click();
            wait.until(d -> !d.findElement(By.id("tail-error")).getText().isEmpty());

            // Signing out forgets the token.
            browser.findElement(By.id("logout")).click();
            wait.until(d -> d.findElement(By.id("login-pane")).isDisplayed());
            assertEquals(null, session("aegis.adminToken"));
        }
    }

    private void signIn(String token, String actor) {
        WebElement field = browser.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        WebElement name = browser.findElement(By.id("actor"));
        name.clear();
        name.sendKeys(actor);
        browser.findElement(By.id("login")).click();
    }

    private Object session(String key) {
        return ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem(arguments[0]);", key);
    }

    /**
     * Whether a row of {@code table} has every one of {@code cells} among its cells. Read in one
     * script call: the page redraws its tables every second, so elements found one by one go stale.
     */
    @SuppressWarnings("unchecked")
    private static Boolean rowWith(WebDriver browser, String table, List<String> cells) {
        List<List<String>> rows = (List<List<String>>) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'))"
                        + ".map(r => Array.from(r.cells).map(c => c.textContent));", table);
        return rows.stream().anyMatch(row -> row.containsAll(cells)) ? Boolean.TRUE : null;
    }

    /** The page as the operator saw it, for the README (target/, or the directory aegis.screenshots names). */
    private void screenshot() throws Exception {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Path target = Path.of(System.getProperty("aegis.screenshots", "target"));
        Files.createDirectories(target);
        Files.copy(shot, target.resolve("dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
    }
}

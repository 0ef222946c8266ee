package dqn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.cli.report.MetricsRow;
import dqn.cli.report.RunCsv;
import dqn.launcher.FreePorts;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The training page in a real browser: {@code dqn train catch} runs as its own process with its
 * four services, headless Chromium opens the page it serves, and the page must draw the curve,
 * play the actor's game as changing frames, and show the same numbers as the run's CSV. Then
 * {@code dqn dashboard --run} shows the stopped run's whole history. Screenshots go to
 * {@code target/dashboard-it/}.
 */
class DashboardIT {

  private static final Path HOME = DqnProcess.HOME;
  private static final Path SCREENSHOTS = HOME.resolve("cli/target/dashboard-it");
  private static final Duration PAGE_WAIT = Duration.ofMinutes(3);

  @TempDir Path runs;

  private final List<Process> processes = new ArrayList<>();
  private WebDriver browser;

  @AfterEach
  void tearDown() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    for (Process process : processes) {
      process.destroy();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
      }
    }
  }

  @Test
  void thePageOfATrainingRunShowsItsCurvesThePlayingAgentAndTheNumbersOfItsCsv() throws Exception {
    int port = FreePorts.pick();
    Process train =
        started("train.log", "train", "catch", "--run", "page", "--frames", "1000000", "--no-eval", "--progress-seconds", "2",
            "--dashboard", "127.0.0.1:" + port);
    String url = "http://127.0.0.1:" + port + "/";
    awaitHttp(url, train);

    browser = chromium();
    browser.get(url);
    WebDriverWait wait = new WebDriverWait(browser, PAGE_WAIT);
    wait.until(b -> attribute(b, "#chart-return", "data-points") >= 3);
    wait.until(b -> b.findElement(By.id("connection")).getText().equals("live"));

    // The play view: frames arrive and the picture changes.
    Set<String> pictures = new HashSet<>();
    wait.until(
        b -> {
          String src = b.findElement(By.id("play")).getAttribute("src");
          if (src != null && src.startsWith("data:image/png;base64,")) {
            pictures.add(src);
          }
          return pictures.size() >= 3;
        });
    int shown = attribute(browser, "#play", "data-frames-shown");
    Thread.sleep(2_000);
    int shownLater = attribute(browser, "#play", "data-frames-shown");
    assertTrue(shownLater - shown >= 5, "about 15 frames a second are shown: " + shown + " then " + shownLater);

    // Each of the four services is reported SERVING, and a model version is live.
    wait.until(b -> b.findElements(By.cssSelector("#health td.serving")).size() == 4);
    wait.until(b -> b.findElement(By.id("models-caption")).getText().contains("live"));
    wait.until(b -> !b.findElements(By.cssSelector("#spec td")).isEmpty());
    assertTrue(browser.findElement(By.id("spec")).getText().contains("catch"), "the run specification is shown");

    // The numbers on the page are the CSV's row of the same index. One script reads the row and
    // its fields: it runs between the page's event handlers, so a row arriving meanwhile cannot
    // mix two rows (WebDriver calls one by one could).
    @SuppressWarnings("unchecked")
    List<String> shownRow =
        (List<String>)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "const latest = document.getElementById('latest');"
                        + "return [latest.dataset.row].concat(arguments[0].map("
                        + "f => latest.querySelector(`dd[data-field='${f}']`).textContent.trim()));",
                    FIELDS);
    int row = Integer.parseInt(shownRow.get(0));
    List<String> texts = shownRow.subList(1, shownRow.size());
    MetricsRow csv = RunCsv.readMetrics(runs.resolve("page")).get(row);
    assertShown(texts, csv);
    screenshot("training.png");

    train.destroy(); // SIGTERM: the orderly stop of Ctrl-C
    assertTrue(train.waitFor(2, TimeUnit.MINUTES), "dqn train stops on SIGTERM");
    processes.remove(train);
    List<MetricsRow> history = RunCsv.readMetrics(runs.resolve("page"));

    // A stopped run's page: its whole history, from the run directory.
    int viewPort = FreePorts.pick();
    Process view = started("dashboard.log", "dashboard", "--run", "page", "--dashboard", "127.0.0.1:" + viewPort);
    awaitHttp("http://127.0.0.1:" + viewPort + "/", view);
    browser.get("http://127.0.0.1:" + viewPort + "/");
    wait.until(b -> attribute(b, "#chart-fps", "data-points") == history.size());
    wait.until(b -> b.findElement(By.id("latest")).getAttribute("data-row").equals(Integer.toString(history.size() - 1)));
    screenshot("history.png");
  }

  private static final List<String> FIELDS =
      List.of("frames", "episodes", "mean_return_100", "loss", "epsilon", "updates", "updates_per_second", "replay_size",
          "model_version", "wall_seconds");

  /** Each shown number equals the CSV's to the digits shown. */
  private static void assertShown(List<String> texts, MetricsRow csv) {
    assertEquals(csv.frames(), (long) number(texts.get(0)), "frames");
    assertEquals(csv.episodes(), (long) number(texts.get(1)), "games");
    assertClose(csv.meanReturn100(), texts.get(2), 0.005, "return(100)");
    assertClose(csv.loss(), texts.get(3), 0.000005, "loss");
    assertClose(csv.epsilon(), texts.get(4), 0.0005, "epsilon");
    assertEquals(csv.updates(), (long) number(texts.get(5)), "updates");
    assertClose(csv.updatesPerSecond(), texts.get(6), 0.05, "updates/s");
    assertEquals(csv.replaySize(), (long) number(texts.get(7)), "replay size");
    assertEquals(csv.modelVersion() == 0 ? "random" : "v" + csv.modelVersion(), texts.get(8), "model version");
    String[] hms = texts.get(9).split(":");
    long seconds = Long.parseLong(hms[0]) * 3600 + Long.parseLong(hms[1]) * 60 + Long.parseLong(hms[2]);
    assertEquals((long) Math.floor(csv.wallSeconds()), seconds, "wall time " + texts.get(9));
  }

  private static void assertClose(double expected, String text, double halfDigit, String what) {
    assertTrue(Math.abs(expected - number(text)) <= halfDigit * 1.0001, what + ": page " + text + ", csv " + expected);
  }

  private static double number(String text) {
    return Double.parseDouble(text.replace(",", ""));
  }

  private static int attribute(WebDriver browser, String css, String name) {
    String value = browser.findElement(By.cssSelector(css)).getAttribute(name);
    return value == null || value.isEmpty() ? -1 : Integer.parseInt(value);
  }

  /** Starts dqn with its log beside the screenshots; the test's end stops whatever is still running. */
  private Process started(String log, String... args) throws IOException {
    Process process = DqnProcess.start(runs, SCREENSHOTS.resolve(log), Map.of(), args);
    processes.add(process);
    return process;
  }

  private static void awaitHttp(String url, Process owner) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + PAGE_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      assertTrue(owner.isAlive(), "dqn ended before serving its page (see " + SCREENSHOTS + ")");
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no page at " + url + " within " + PAGE_WAIT);
  }

  /** Debian's chromium and chromedriver, by path, so Selenium never looks for a driver to download. */
  private static WebDriver chromium() {
    File driver = new File(System.getProperty("dqn.chromedriver", "/usr/bin/chromedriver"));
    assertTrue(driver.canExecute(), driver + " is missing: scripts/setup.sh installs chromium and chromium-driver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(System.getProperty("dqn.chromium", "/usr/bin/chromium"));
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1600");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  private void screenshot(String name) throws IOException {
    Path file = SCREENSHOTS.resolve(name);
    Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    System.out.println("DashboardIT: screenshot " + file);
  }
}

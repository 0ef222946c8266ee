package dqn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link in every markdown file of the repository (README.md, docs/, each module's
 * README) leads somewhere a clean clone has: the file or folder exists inside the repository and
 * is not git-ignored, and a #fragment into a markdown page names one of its headings (GitHub's
 * slugs). Links in code are not links, and web addresses are not checked (no network in the tests).
 */
class DocLinksTest {

  // [text](target "title") and ![alt](target); the text may wrap lines.
  private static final Pattern INLINE_LINK =
      Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  // [label]: target, a reference definition.
  private static final Pattern REFERENCE_DEFINITION =
      Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$", Pattern.MULTILINE);
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:|^//");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s[^>]*(?:name|id)=\"([^\"]+)\"");

  /** Folders a walk of the tree skips when git is not there to say what a clone has. */
  private static final Set<String> NOT_IN_A_CLONE = Set.of(".git", "target", ".cache", "node_modules");

  @Test
  void everyRelativeLinkInEveryMarkdownFileResolves() {
    Path root = Repository.root();
    List<String> problems = problems(root, pages(root));
    assertTrue(problems.isEmpty(), problems.size() + " broken links:\n" + String.join("\n", problems));
  }

  @Test
  void brokenLinksAreReportedWithTheFileTheLinkAndWhy(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/page.md"), "# A page\n\n## Stop and resume, in `short`\n");
    Files.writeString(
        root.resolve("README.md"),
        String.join(
            "\n",
            "# Front",
            "[fine](docs/page.md#stop-and-resume-in-short) [folder](docs/) [here](#front)",
            "[wrapped",
            "text](docs/missing.md) ![picture](docs/none.png)",
            "[anchor](docs/page.md#stop-and-resume) [self](#nowhere) [up](../outside.md)",
            "[web](https://example.org/x) `[in code](docs/gone.md)`",
            "",
            "    [indented code](docs/gone.md)",
            "",
            "```",
            "[fenced code](docs/gone.md)",
            "```",
            ""));
    List<String> problems = problems(root, List.of(root.resolve("README.md")));
    assertEquals(
        List.of(
            "README.md:4: docs/missing.md: no such file or folder",
            "README.md:4: docs/none.png: no such file or folder",
            "README.md:5: docs/page.md#stop-and-resume: docs/page.md has no heading with that anchor",
            "README.md:5: #nowhere: README.md has no heading with that anchor",
            "README.md:5: ../outside.md: leads outside the repository"),
        problems);
  }

  @Test
  void aLinkToWhatGitIgnoresIsReported(@TempDir Path root) throws IOException {
    Repository.Result init = Repository.run(Duration.ofSeconds(30), List.of("git", "init", "-q", root.toString()));
    assertEquals(0, init.exitCode(), init.output());
    Files.writeString(root.resolve(".gitignore"), ".cache/\n");
    Files.createDirectories(root.resolve(".cache/ale"));
    Files.writeString(root.resolve("README.md"), "ALE is fetched into [.cache/ale](.cache/ale/).\n");
    assertEquals(
        List.of("README.md:1: .cache/ale/: git ignores .cache/ale, so a clean clone does not have it"),
        problems(root, List.of(root.resolve("README.md"))));
  }

  @Test
  void thePagesAreEveryMarkdownFileAGitCloneHasOrElseTheTreeWithoutBuildOutput(@TempDir Path root)
      throws IOException {
    for (String file :
        List.of(
            "README.md", "docs/page.md", "docs/deeper/more.md", "module/README.md", "module/notes.txt",
            "module/target/generated.md", ".cache/tool/README.md", "node_modules/x/README.md", "scratch.md")) {
      Files.createDirectories(root.resolve(file).getParent());
      Files.writeString(root.resolve(file), "# page\n");
    }
    List<String> everyMarkdownFile =
        List.of("README.md", "docs/deeper/more.md", "docs/page.md", "module/README.md", "scratch.md");
    assertEquals(everyMarkdownFile, relative(root, pages(root)));

    Repository.Result init = Repository.run(Duration.ofSeconds(30), List.of("git", "init", "-q", root.toString()));
    assertEquals(0, init.exitCode(), init.output());
    Files.writeString(root.resolve(".gitignore"), "target/\n.cache/\nscratch.md\n");
    assertEquals(
        List.of("README.md", "docs/deeper/more.md", "docs/page.md", "module/README.md", "node_modules/x/README.md"),
        relative(root, pages(root)));
  }

  @Test
  void slugsFollowGitHub() {
    assertEquals("pong-learned-on-a-2-core-cpu", slug("Pong, learned on a 2-core CPU"));
    assertEquals("what-dqn-train-does", slug("What `./dqn train` does"));
    assertEquals("security-tokens-tls-redis-auth", slug("Security: tokens, TLS, Redis AUTH"));
    assertEquals("the-run_spec--file", slug("The run_spec — file"));
    assertEquals("see-the-docs", slug("See [the docs](docs/README.md)"));
  }

  /**
   * Every markdown file a clone of the repository has: those git tracks or would add (not ignored);
   * where git cannot tell, every one in the tree outside .git/, target/, .cache/ and node_modules/.
   */
  static List<Path> pages(Path root) {
    Stream<String> files = gitMarkdownFiles(root);
    if (files == null) {
      files = walkedMarkdownFiles(root);
    }
    return files
        .map(root::resolve)
        .filter(Files::isRegularFile) // a tracked file deleted in the work tree
        .distinct()
        .sorted()
        .toList();
  }

  /** The markdown files git tracks or would add, relative to the root; null where git cannot tell. */
  private static Stream<String> gitMarkdownFiles(Path root) {
    if (!Files.exists(root.resolve(".git"))) {
      return null;
    }
    Repository.Result result;
    try {
      result =
          Repository.run(
              Duration.ofSeconds(30),
              List.of("git", "-C", root.toString(), "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                  "--", "*.md"));
    } catch (RuntimeException e) {
      return null; // no git on this machine
    }
    if (result.exitCode() != 0) {
      return null; // not a repository git will read (for example another user's)
    }
    return Stream.of(result.output().split("\0")).filter(name -> !name.isBlank());
  }

  private static Stream<String> walkedMarkdownFiles(Path root) {
    List<String> files = new ArrayList<>();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
              return !dir.equals(root) && NOT_IN_A_CLONE.contains(dir.getFileName().toString())
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
              if (file.getFileName().toString().endsWith(".md")) {
                files.add(root.relativize(file).toString());
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files.stream();
  }

  private static List<String> relative(Path root, List<Path> pages) {
    return pages.stream().map(page -> root.relativize(page).toString().replace('\\', '/')).toList();
  }

  /** One line per broken link: the page and line, the link as written, and why. */
  static List<String> problems(Path root, List<Path> pages) {
    List<String> problems = new ArrayList<>();
    Map<Path, Set<String>> anchors = new HashMap<>();
    Map<String, String> linked = new HashMap<>(); // each path linked, and its first link, for git
    for (Path page : pages) {
      String name = root.relativize(page).toString();
      String text = withoutCodeSpans(withoutCodeBlocks(read(page)));
      List<int[]> links = new ArrayList<>(); // start offset of the target, end offset
      for (Pattern pattern : List.of(INLINE_LINK, REFERENCE_DEFINITION)) {
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
          links.add(new int[] {matcher.start(1), matcher.end(1)});
        }
      }
      links.sort((a, b) -> Integer.compare(a[0], b[0]));
      for (int[] link : links) {
        String target = text.substring(link[0], link[1]);
        if (target.isEmpty() || SCHEME.matcher(target).find()) {
          continue;
        }
        String where = name + ":" + lineOf(text, link[0]) + ": " + target + ": ";
        int hash = target.indexOf('#');
        String path = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
        String fragment = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
        if (!resolved.startsWith(root)) {
          problems.add(where + "leads outside the repository");
          continue;
        }
        if (!Files.exists(resolved)) {
          problems.add(where + "no such file or folder");
          continue;
        }
        if (!resolved.equals(root)) {
          linked.putIfAbsent(root.relativize(resolved).toString(), where);
        }
        // Only a markdown page's fragments are headings; GitHub's #L10 line anchors are not checked.
        if (fragment != null && resolved.toString().endsWith(".md") && Files.isRegularFile(resolved)) {
          Set<String> headings = anchors.computeIfAbsent(resolved, DocLinksTest::anchors);
          if (!headings.contains(URLDecoder.decode(fragment, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT))) {
            problems.add(where + root.relativize(resolved) + " has no heading with that anchor");
          }
        }
      }
    }
    for (String ignored : gitIgnored(root, linked.keySet())) {
      problems.add(linked.get(ignored) + "git ignores " + ignored + ", so a clean clone does not have it");
    }
    return problems;
  }

  /** The anchors GitHub gives a page: each heading's slug (repeats get -1, -2, ...) and HTML ids. */
  private static Set<String> anchors(Path page) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    // Headings keep their code spans: GitHub slugs their text.
    for (String line : withoutCodeBlocks(read(page)).split("\n", -1)) {
      Matcher heading = HEADING.matcher(line);
      if (heading.matches()) {
        String slug = slug(heading.group(1));
        int count = seen.merge(slug, 1, Integer::sum);
        anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
      }
      Matcher html = HTML_ANCHOR.matcher(line);
      while (html.find()) {
        anchors.add(html.group(1).toLowerCase(Locale.ROOT));
      }
    }
    return anchors;
  }

  /** GitHub's heading slug: link text kept, lowercase, punctuation dropped, each space a '-'. */
  static String slug(String heading) {
    String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
    return text.trim()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N}\\p{M}\\p{Pc}\\- ]", "")
        .replace(' ', '-');
  }

  /** The page with fenced and indented code blocks blanked out, every line kept for line numbers. */
  private static String withoutCodeBlocks(String markdown) {
    String[] lines = markdown.split("\n", -1);
    boolean fenced = false;
    boolean previousBlankOrCode = true;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      boolean fence = line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~");
      boolean indentedCode = !fenced && previousBlankOrCode && (line.startsWith("    ") || line.startsWith("\t"))
          && !line.isBlank();
      if (fence || fenced || indentedCode) {
        lines[i] = "";
        fenced ^= fence;
        previousBlankOrCode = true;
      } else {
        previousBlankOrCode = line.isBlank();
      }
    }
    return String.join("\n", lines);
  }

  /** Code spans blanked out; they may wrap lines, but a blank line ends the paragraph and the span. */
  private static String withoutCodeSpans(String markdown) {
    Matcher span = Pattern.compile("(`+)(?:(?!\\n\\s*\\n).)*?\\1", Pattern.DOTALL).matcher(markdown);
    StringBuilder out = new StringBuilder();
    while (span.find()) {
      span.appendReplacement(out, Matcher.quoteReplacement(span.group().replaceAll("[^\\n]", " ")));
    }
    span.appendTail(out);
    return out.toString();
  }

  /** Of these repository paths, the ones git ignores; none when git or the repository is absent. */
  private static List<String> gitIgnored(Path root, Set<String> paths) {
    if (paths.isEmpty() || !Files.exists(root.resolve(".git"))) {
      return List.of();
    }
    List<String> command = new ArrayList<>(List.of("git", "-C", root.toString(), "check-ignore", "--"));
    paths.stream().sorted().forEach(command::add);
    Repository.Result result;
    try {
      result = Repository.run(Duration.ofSeconds(30), command);
    } catch (RuntimeException e) {
      return List.of(); // no git on this machine
    }
    // check-ignore exits 0 when some path is ignored, 1 when none is.
    return result.exitCode() == 0 ? result.output().lines().filter(line -> !line.isBlank()).toList() : List.of();
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static String read(Path page) {
    try {
      return Files.readString(page, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

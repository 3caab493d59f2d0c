package dev.sente.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Quick start", run as it stands there: the test reads the section's code blocks from
 * {@code ../README.md}, compiles the Java one ({@code ChatServer}) with the page next to its
 * classes as {@code public/index.html}, starts it in a JVM of its own as a new user would, and
 * opens the page in headless Chromium ({@code src/test/browser/quickstart/quickstart.test.mjs}),
 * which must see its chat line come back.
 *
 * <p>One substitution, and only one: {@code .port(8080)} becomes {@code .port(0)}, so the server
 * takes a free port, which the test reads from the library's own log line ({@code Sente is
 * listening on ...}): that line only appears with the logging the section tells users to add. The
 * server's JVM gets this module's test classpath without the module's own classes and resources,
 * that is sente-jetty, slf4j-simple and what they need.
 */
class QuickStartTest {

  static final Path README = Path.of("../README.md");
  static final Path ROOT_POM = Path.of("../pom.xml");
  static final Path SCENARIO = Path.of("src/test/browser/quickstart/quickstart.test.mjs");
  static final String PORT = ".port(8080)";
  static final Pattern LISTENING = Pattern.compile("Sente is listening on (http://localhost:\\d+)");
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration NODE_TIMEOUT = Duration.ofMinutes(2);

  @Test
  void theReadmeQuickStartWorksInHeadlessChromium(@TempDir Path dir) throws Exception {
    BrowserTests.requireBrowser();
    Map<String, String> blocks = quickStartBlocks(Files.readString(README));
    assertThat(blocks).containsOnlyKeys("xml", "java", "html");
    assertTheDependenciesMatchTheBuild(blocks.get("xml"));

    String java = blocks.get("java");
    assertThat(java.split(Pattern.quote(PORT), -1)).as("one " + PORT + " in the README").hasSize(2);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Path source = Files.createDirectories(dir.resolve("src")).resolve("ChatServer.java");
    Files.writeString(source, java.replace(PORT, ".port(0)"));
    Path page = Files.createDirectories(classes.resolve("public")).resolve("index.html");
    Files.writeString(page, blocks.get("html"));
    String classpath = applicationClasspath();
    compile(source, classes, classpath);

    List<String> output = new CopyOnWriteArrayList<>();
    Process server = startJava(classes + File.pathSeparator + classpath, "ChatServer", output);
    try {
      String uri =
          await()
              .atMost(START_TIMEOUT)
              .until(
                  () -> {
                    if (!server.isAlive()) {
                      fail("ChatServer ended (exit " + server.exitValue() + "):\n" + join(output));
                    }
                    return output.stream()
                        .map(LISTENING::matcher)
                        .filter(Matcher::find)
                        .map(m -> m.group(1))
                        .findFirst()
                        .orElse(null);
                  },
                  found -> found != null);
      assertThat(join(output)).doesNotContain("No SLF4J providers");

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> served =
          http.send(
              HttpRequest.newBuilder(URI.create(uri + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(served.statusCode()).isEqualTo(200);
      assertThat(served.body()).isEqualTo(blocks.get("html"));

      BrowserTests.NodeRun run =
          BrowserTests.runNode(List.of(SCENARIO), Map.of("QUICKSTART_URL", uri), NODE_TIMEOUT);
      if (run.exitCode() != 0) {
        fail(
            "The quick start failed in Chromium (exit "
                + run.exitCode()
                + "):\n"
                + run.tail()
                + "\nChatServer said:\n"
                + join(output));
      }
      assertThat(run.tail()).contains("pass 1").contains("fail 0");
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  /**
   * The fenced code blocks of the README's "## Quick start" section, by language; a language twice
   * fails.
   */
  static Map<String, String> quickStartBlocks(String readme) {
    int start = readme.indexOf("\n## Quick start\n");
    assertThat(start).as("a \"## Quick start\" section in README.md").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    Matcher fence = Pattern.compile("(?ms)^```(\\w+)\\n(.*?)^```$").matcher(section);
    Map<String, String> blocks = new java.util.LinkedHashMap<>();
    while (fence.find()) {
      if (blocks.put(fence.group(1), fence.group(2)) != null) {
        fail("two " + fence.group(1) + " blocks in the quick start");
      }
    }
    return blocks;
  }

  /** The dependency snippet names this build's version of sente-jetty and of slf4j-simple. */
  private static void assertTheDependenciesMatchTheBuild(String xml) throws IOException {
    String pom = Files.readString(ROOT_POM);
    Matcher project =
        Pattern.compile("<artifactId>sente-parent</artifactId>\\s*<version>([^<]+)<").matcher(pom);
    Matcher slf4j = Pattern.compile("<slf4j\\.version>([^<]+)<").matcher(pom);
    assertThat(project.find() && slf4j.find()).as("versions in the root pom.xml").isTrue();
    assertThat(xml)
        .contains(dependency("dev.sente", "sente-jetty", project.group(1)))
        .contains(dependency("org.slf4j", "slf4j-simple", slf4j.group(1)));
  }

  private static String dependency(String group, String artifact, String version) {
    return "<dependency>\n  <groupId>%s</groupId>\n  <artifactId>%s</artifactId>\n  <version>%s</version>\n</dependency>"
        .formatted(group, artifact, version);
  }

  /** This JVM's classpath without the module's own classes and resources. */
  private static String applicationClasspath() {
    Path own = Path.of("target").toAbsolutePath();
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !Path.of(entry).toAbsolutePath().startsWith(own))
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static void compile(Path source, Path classes, String classpath) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK's compiler").isNotNull();
    StringWriter messages = new StringWriter();
    boolean ok =
        javac
            .getTask(
                messages,
                null,
                null,
                List.of("--release", "17", "-classpath", classpath, "-d", classes.toString()),
                null,
                javac
                    .getStandardFileManager(null, null, StandardCharsets.UTF_8)
                    .getJavaFileObjects(source))
            .call();
    assertThat(ok).as("the README's ChatServer compiles:\n" + messages).isTrue();
  }

  private static Process startJava(String classpath, String mainClass, List<String> output)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-cp", classpath, mainClass));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  System.out.println("[ChatServer] " + line);
                  output.add(line);
                }
              } catch (IOException e) {
                output.add("(reading the output failed: " + e + ")");
              }
            },
            "quickstart-output");
    pump.setDaemon(true);
    pump.start();
    return process;
  }

  private static String join(List<String> lines) {
    return String.join("\n", lines);
  }
}

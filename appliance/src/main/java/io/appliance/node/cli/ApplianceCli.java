package io.appliance.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.appliance.node.ApplianceVersion;
import io.appliance.node.config.ApplianceConfiguration;
import io.appliance.node.runtime.NodeLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The command-line client of a node's REST API ({@code appliance status}, {@code appliance target
 * list}, ...). Exit code 0 on success; 1 with one line on stderr otherwise.
 *
 * <p>Connection: {@code --url}, else {@code $APPLIANCE_URL}, else {@code http://127.0.0.1:8080}.
 * Token: {@code --token}, else {@code $APPLIANCE_TOKEN}, else the file {@code api-token} in
 * {@code --state-dir}, {@code $APPLIANCE_HOME} or {@code ./var}.
 */
@Command(name = "appliance",
        mixinStandardHelpOptions = true,
        versionProvider = ApplianceCli.Version.class,
        description = "Storage appliance node: run it, or manage a running one through its REST API.",
        subcommands = {StatusCommands.Status.class, StatusCommands.Sessions.class, TargetCommands.class,
                LunCommands.class, AclCommands.class, PoolCommands.class, VolumeCommands.class,
                ReplicationCommands.class, ClusterCommands.class, ClusterCommands.CrmMon.class},
        footer = {"",
                "Running a node (handled by Dropwizard):",
                "  appliance server [--config FILE]  start the node (default: the embedded demo)",
                "  appliance check [--config FILE]   validate a configuration file"})
public final class ApplianceCli {

    public static final String DEFAULT_URL = "http://127.0.0.1:8080";
    public static final String URL_VARIABLE = "APPLIANCE_URL";
    public static final String TOKEN_VARIABLE = "APPLIANCE_TOKEN";

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "REST API of the node (default: $APPLIANCE_URL or " + DEFAULT_URL + ")")
    String url;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "API token (default: $APPLIANCE_TOKEN, else the api-token file in the state directory)")
    String token;

    @Option(names = "--state-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "the node's state directory, to read api-token from (default: $APPLIANCE_HOME or ./var)")
    Path stateDirectory;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print the API's JSON instead of tables")
    boolean json;

    private final Map<String, String> environment;
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private PrintWriter out;

    private ApplianceCli(Map<String, String> environment) {
        this.environment = environment;
    }

    /** Runs one CLI invocation; returns its exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
        ApplianceCli cli = new ApplianceCli(environment);
        cli.out = out;
        CommandLine commandLine = new CommandLine(cli)
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler((exception, arguments) -> {
                    err.println("error: " + exception.getMessage() + " (see --help)");
                    return 1;
                })
                .setExecutionExceptionHandler((exception, parsed, parseResult) -> {
                    err.println("error: " + oneLine(exception));
                    return 1;
                });
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Prints usage when called without a subcommand. */
    static int usage(CommandLine.Model.CommandSpec spec) {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 1;
    }

    ApiClient client() {
        String base = firstNonBlank(url, environment.get(URL_VARIABLE), DEFAULT_URL);
        URI uri;
        try {
            uri = new URI(base.endsWith("/") ? base : base + "/");
        } catch (URISyntaxException e) {
            throw new CliException("--url " + base + " is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?")) {
            throw new CliException("--url " + base + " must start with http:// or https://");
        }
        return new ApiClient(uri, resolveToken(), mapper);
    }

    PrintWriter out() {
        return out;
    }

    boolean jsonOutput() {
        return json;
    }

    /** Prints {@code node} as indented JSON. */
    /** Prints an answer of the API: the raw JSON with {@code --json}, else its human form. @return exit code 0 */
    int show(JsonNode answer, BiConsumer<JsonNode, PrintWriter> human) {
        if (jsonOutput()) {
            printJson(answer);
        } else {
            human.accept(answer, out());
        }
        return 0;
    }

    /** Like {@link #show}, for answers shown as a table. */
    int showTable(JsonNode answer, Function<JsonNode, Table> table) {
        return show(answer, (json, out) -> table.apply(json).print(out));
    }

    void printJson(JsonNode node) {
        try {
            out.println(mapper.writeValueAsString(node));
        } catch (IOException e) {
            throw new CliException("cannot print JSON: " + e.getMessage(), e);
        }
    }

    ObjectMapper mapper() {
        return mapper;
    }

    private String resolveToken() {
        String given = firstNonBlank(token, environment.get(TOKEN_VARIABLE), null);
        if (given != null) {
            return given;
        }
        Path directory = stateDirectory != null ? stateDirectory : ApplianceConfiguration.defaultStateDirectory(environment);
        Path file = new NodeLayout(directory).apiTokenFile();
        try {
            String fromFile = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (fromFile.isEmpty()) {
                throw new CliException("the token file " + file + " is empty");
            }
            return fromFile;
        } catch (NoSuchFileException e) {
            throw new CliException("no API token: pass --token, set " + TOKEN_VARIABLE + ", or point --state-dir at the"
                    + " node's state directory (" + file + " does not exist)");
        } catch (IOException e) {
            throw new CliException("cannot read the API token from " + file + ": " + e.getMessage(), e);
        }
    }

    private static String firstNonBlank(String first, String second, String fallback) {
        if (first != null && !first.isBlank()) {
            return first;
        }
        if (second != null && !second.isBlank()) {
            return second;
        }
        return fallback;
    }

    private static String oneLine(Exception exception) {
        String message = exception.getMessage() != null ? exception.getMessage() : exception.toString();
        return message.replaceAll("\\s*\\R\\s*", " ");
    }

    /** The version of the jar, from its manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"appliance " + ApplianceVersion.current()};
        }
    }
}

package io.appliance.cluster.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code nft} tool, limited to the appliance's own table {@code inet appliance_portblock} with one base chain
 * {@code input} (hook input, priority -10, policy accept) holding one {@code drop} rule per blocked
 * (address, protocol, ports). Each rule's comment is {@code portblock:<resource-id> <match key>}: the resource that
 * added it, then the match, so that the block and the unblock resource of one group find the same rule.
 * Reads {@code nft -j} JSON. The methods are serialised on the instance, so that share one instance between agents.
 */
public final class NftCommand {

    static final String PACKAGE = "nftables";
    public static final String TABLE = "appliance_portblock";
    public static final String CHAIN = "input";
    static final String COMMENT_PREFIX = "portblock:";
    /** nftables refuses longer comments (NFT_USERDATA_MAXLEN). */
    static final int MAX_COMMENT_BYTES = 128;

    private static final Pattern PORTS = Pattern.compile("\\d{1,5}(-\\d{1,5})?(,\\d{1,5}(-\\d{1,5})?)*");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What one rule matches: packets to {@code address} (IPv4 or IPv6) of {@code protocol} (tcp, udp) for
     * {@code ports} ({@code 3260}, {@code 3260,2049} or {@code 2049-2050}; spaces removed).
     */
    public record PortMatch(String address, String protocol, String ports) {
        public PortMatch {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(protocol, "protocol");
            ports = Objects.requireNonNull(ports, "ports").replace(" ", "");
            if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                throw new IllegalArgumentException("protocol must be tcp or udp, not '" + protocol + "'");
            }
            if (!PORTS.matcher(ports).matches()) {
                throw new IllegalArgumentException("ports must be like 3260, 3260,2049 or 2049-2050, not '" + ports + "'");
            }
            if (!address.matches("[0-9A-Fa-f.:]+")) {
                throw new IllegalArgumentException("'" + address + "' is not an IP address");
            }
        }

        /** The part of the rule comment that names the match. */
        public String key() {
            return "ip=" + address + " " + protocol + "=" + ports;
        }

        List<String> nftExpression() {
            String family = address.contains(":") ? "ip6" : "ip";
            return List.of(family, "daddr", address, protocol, "dport", "{ " + ports.replace(",", ", ") + " }");
        }
    }

    /** One rule of the appliance's chain. */
    public record Rule(long handle, String comment) {
        public Rule {
            Objects.requireNonNull(comment, "comment");
        }
    }

    private final CommandRunner runner;
    private final Duration timeout;

    public NftCommand(CommandRunner runner, Duration timeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Adds the drop rule for {@code match} unless a rule with its key exists (whoever added it).
     *
     * @param owner the resource id written into the comment
     * @return false when the rule was already there
     */
    public synchronized boolean ensureDropRule(PortMatch match, String owner) throws AgentException, InterruptedException {
        String comment = COMMENT_PREFIX + owner + " " + match.key();
        if (comment.getBytes(StandardCharsets.UTF_8).length > MAX_COMMENT_BYTES) {
            throw new AgentException(OcfStatus.ERR_CONFIGURED, "the nftables rule comment '" + comment + "' is longer"
                    + " than " + MAX_COMMENT_BYTES + " bytes: use a shorter resource id or fewer port ranges");
        }
        Listing listing = list();
        if (!listing.tableExists()) {
            run(List.of("add", "table", "inet", TABLE));
        }
        if (!listing.chainExists()) {
            run(List.of("add", "chain", "inet", TABLE, CHAIN,
                    "{ type filter hook input priority -10 ; policy accept ; }"));
        }
        if (listing.rules().stream().anyMatch(rule -> matches(rule, match))) {
            return false;
        }
        List<String> args = new ArrayList<>(List.of("add", "rule", "inet", TABLE, CHAIN));
        args.addAll(match.nftExpression());
        args.addAll(List.of("drop", "comment", "\"" + comment + "\""));
        run(args);
        return true;
    }

    /**
     * Deletes every appliance rule for {@code match}, whoever added it.
     *
     * @return how many rules were deleted (0 when none was there)
     */
    public synchronized int removeDropRules(PortMatch match) throws AgentException, InterruptedException {
        int removed = 0;
        for (Rule rule : list().rules()) {
            if (matches(rule, match)) {
                run(List.of("delete", "rule", "inet", TABLE, CHAIN, "handle", Long.toString(rule.handle())));
                removed++;
            }
        }
        return removed;
    }

    /** The rules of the appliance's chain (empty when the table does not exist). */
    public synchronized List<Rule> rules() throws AgentException, InterruptedException {
        return list().rules();
    }

    private static boolean matches(Rule rule, PortMatch match) {
        return rule.comment().startsWith(COMMENT_PREFIX) && rule.comment().endsWith(" " + match.key());
    }

    private record Listing(boolean tableExists, boolean chainExists, List<Rule> rules) {
    }

    private Listing list() throws AgentException, InterruptedException {
        CommandResult result = runner.run(List.of("nft", "-j", "list", "table", "inet", TABLE), timeout);
        if (!result.succeeded()) {
            if (result.outcome() == CommandResult.Outcome.EXITED && result.stderr().contains("No such file or directory")) {
                return new Listing(false, false, List.of());
            }
            throw failure(result);
        }
        JsonNode root;
        try {
            root = JSON.readTree(result.stdout());
        } catch (IOException e) {
            throw new AgentException(OcfStatus.ERR_GENERIC, "`" + result.commandLine() + "` printed output that is not"
                    + " JSON (" + e.getMessage() + ")");
        }
        boolean chain = false;
        List<Rule> rules = new ArrayList<>();
        for (JsonNode item : root.path("nftables")) {
            if (item.has("chain") && CHAIN.equals(item.get("chain").path("name").asText())) {
                chain = true;
            }
            JsonNode rule = item.get("rule");
            if (rule != null && CHAIN.equals(rule.path("chain").asText())) {
                rules.add(new Rule(rule.path("handle").asLong(), rule.path("comment").asText("")));
            }
        }
        return new Listing(true, chain, List.copyOf(rules));
    }

    private void run(List<String> args) throws AgentException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add("nft");
        argv.addAll(args);
        CommandResult result = runner.run(argv, timeout);
        if (!result.succeeded()) {
            throw failure(result);
        }
    }

    private static AgentException failure(CommandResult result) {
        if (result.outcome() == CommandResult.Outcome.EXITED && result.stderr().contains("Operation not permitted")) {
            return new AgentException(OcfStatus.ERR_PERM, result.describe() + " (the appliance needs CAP_NET_ADMIN)");
        }
        return AgentException.from(result, PACKAGE);
    }
}

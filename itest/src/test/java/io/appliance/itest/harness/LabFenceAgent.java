package io.appliance.itest.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes {@code fence_lab}, a fence agent in the Pacemaker convention (key=value lines on standard
 * input) that "power-cycles" a node of a {@link ClusterLab}: for {@code action=off} or {@code reboot}
 * it kills (SIGKILL) every process of the node's namespace, deletes {@code vip} from its
 * {@code lan0}, deletes the nftables table {@code inet appliance_portblock} there (errors ignored),
 * appends one line to {@code fence.log} next to itself and exits 0. {@code monitor}, {@code status}
 * and {@code list} exit 0; any other action exits 1. Inputs: {@code action}, the node as
 * {@code port}, {@code plug} or {@code nodename}, parameters {@code lab_prefix} and {@code vip}.
 */
public final class LabFenceAgent {

    private static final String SCRIPT = """
            #!/bin/bash
            # fence_lab: power-cycles a node namespace of an itest cluster lab (stdin: key=value lines)
            action=""; node=""; prefix=""; vip=""
            while IFS='=' read -r key value; do
              case "$key" in
                action) action="$value" ;;
                port|plug|nodename) node="$value" ;;
                lab_prefix) prefix="$value" ;;
                vip) vip="$value" ;;
              esac
            done
            log="$(dirname "$0")/fence.log"
            case "$action" in
              monitor|status|list) exit 0 ;;
              off|reboot) ;;
              *) echo "fence_lab: unknown action '$action'" >&2; exit 1 ;;
            esac
            case "$node" in
              node1) ns="$prefix-n1" ;;
              node2) ns="$prefix-n2" ;;
              witness) ns="$prefix-w" ;;
              *) echo "fence_lab: unknown node '$node'" >&2; exit 1 ;;
            esac
            pids=$(ip netns pids "$ns" 2>/dev/null)
            [ -n "$pids" ] && kill -9 $pids 2>/dev/null
            [ -n "$vip" ] && ip -n "$ns" addr del "$vip" dev lan0 2>/dev/null
            ip netns exec "$ns" nft delete table inet appliance_portblock 2>/dev/null
            echo "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ) $action $node ns=$ns killed=[${pids//$'\\n'/ }]" >> "$log"
            exit 0
            """;

    private LabFenceAgent() {
    }

    /** Writes the agent to {@code file} with mode 0755. */
    public static void write(Path file) throws IOException {
        Files.writeString(file, SCRIPT, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}

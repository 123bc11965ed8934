package io.appliance.replication.sync;

/**
 * The outcome of an online verify run.
 *
 * @param outOfSyncBlocks 4 KiB blocks found different (each differing chunk counts all its blocks)
 * @param verifiedBytes   bytes compared
 */
public record VerifyResult(long outOfSyncBlocks, long verifiedBytes) {}

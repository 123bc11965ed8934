/**
 * Replicated disks ("resources", DRBD's word): the typed, validated {@link
 * io.appliance.config.replication.ResourceDefinition} with DRBD's vocabulary, the DRBD value syntax
 * ({@link io.appliance.config.replication.ResourceDefinitionParsing}) and the importer of DRBD
 * {@code .res} files ({@link io.appliance.config.replication.DrbdConfigImporter}).
 */
package io.appliance.config.replication;

package io.appliance.node.api;

/** Media types of the API beyond {@code application/json}. */
final class ApiMediaTypes {

    /** RFC 7396 JSON merge patch, accepted by every PATCH next to plain JSON. */
    static final String MERGE_PATCH_JSON = "application/merge-patch+json";

    private ApiMediaTypes() {
    }
}

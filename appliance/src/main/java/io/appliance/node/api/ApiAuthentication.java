package io.appliance.node.api;

import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.auth.Authenticator;
import io.dropwizard.auth.UnauthorizedHandler;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;

/**
 * Bearer-token authentication of the REST API ({@code Authorization: Bearer <token>}): one token
 * per node, kept in {@code <stateDirectory>/api-token}. Resources annotated {@code @PermitAll}
 * require it; a request without a valid token gets 401 with an {@link ErrorResponse} body.
 */
public final class ApiAuthentication {

    static final String REALM = "appliance";

    private ApiAuthentication() {
    }

    /** The authenticated caller: whoever holds the node's token. */
    public record ApiCaller(String name) implements Principal {
        @Override
        public String getName() {
            return name;
        }
    }

    /** The Jersey providers to register: the filter, {@code @PermitAll} support and {@code @Auth} injection. */
    public static List<Object> providers(String token) {
        OAuthCredentialAuthFilter<ApiCaller> filter = new OAuthCredentialAuthFilter.Builder<ApiCaller>()
                .setAuthenticator(new TokenAuthenticator(token))
                .setPrefix("Bearer")
                .setRealm(REALM)
                .setUnauthorizedHandler(new JsonUnauthorizedHandler())
                .buildAuthFilter();
        return List.of(new AuthDynamicFeature(filter), new RolesAllowedDynamicFeature(),
                new AuthValueFactoryProvider.Binder<>(ApiCaller.class));
    }

    /** Compares the presented token with the node's in constant time. */
    static final class TokenAuthenticator implements Authenticator<String, ApiCaller> {
        private final byte[] expected;

        TokenAuthenticator(String token) {
            this.expected = Objects.requireNonNull(token, "token").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Optional<ApiCaller> authenticate(String presented) {
            boolean matches = MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
            return matches ? Optional.of(new ApiCaller("api-token")) : Optional.empty();
        }
    }

    /** 401 with a JSON body that says where the token is. */
    static final class JsonUnauthorizedHandler implements UnauthorizedHandler {
        @Override
        public Response buildResponse(String prefix, String realm) {
            int status = Response.Status.UNAUTHORIZED.getStatusCode();
            return Response.status(status)
                    .header(HttpHeaders.WWW_AUTHENTICATE, prefix + " realm=\"" + realm + "\"")
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorResponse(status, "send the header 'Authorization: Bearer <token>'; the token is in"
                            + " <stateDirectory>/api-token on the node"))
                    .build();
        }
    }
}

package com.chimpy.pos.auth.test;

import org.jspecify.annotations.Nullable;

/**
 * One request to the sandbox's PoS API as its request journal recorded it, with the user
 * whose access token it carried: for tests that check that every call went out with the
 * token of the account that made it.
 *
 * @param method the HTTP method
 * @param url the path and query, as received
 * @param user the {@code sub} of the bearer token when it is an access token this sandbox
 * signed (expired or revoked ones included), else {@code null}
 * @param status the status it was answered with, or -1 when the connection was reset or
 * no answer was sent yet
 */
public record ApiRequest(String method, String url, @Nullable String user, int status) {

}

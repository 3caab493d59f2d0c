package dev.sente.server.internal;

import dev.sente.server.SenteRequest;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An Ajax POST as handlers see it: the request, with the client id read from the form body. */
final class PostRequest implements SenteRequest {
  private final SenteRequest request;
  private final Optional<String> clientId;

  PostRequest(SenteRequest request, Optional<String> clientId) {
    this.request = request;
    this.clientId = clientId.filter(s -> !s.isBlank());
  }

  @Override
  public Optional<String> clientId() {
    return clientId;
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public String path() {
    return request.path();
  }

  @Override
  public String scheme() {
    return request.scheme();
  }

  @Override
  public Optional<String> host() {
    return request.host();
  }

  @Override
  public Map<String, List<String>> queryParams() {
    return request.queryParams();
  }

  @Override
  public Optional<String> header(String name) {
    return request.header(name);
  }

  @Override
  public Optional<String> cookie(String name) {
    return request.cookie(name);
  }

  @Override
  public Optional<Principal> principal() {
    return request.principal();
  }

  @Override
  public Optional<Object> sessionAttribute(String name) {
    return request.sessionAttribute(name);
  }

  @Override
  public String remoteAddress() {
    return request.remoteAddress();
  }
}

package com.chimpy.pos.sample;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.service.registry.HttpServiceGroup;
import org.springframework.web.service.registry.ImportHttpServices;

/**
 * Declares the sample's HTTP service clients: {@link PosApiClient} in the group
 * {@code pos}, the group pos-auth authenticates ({@code pos.api.http-service-group}), on
 * a {@code WebClient} like {@code posWebClient}.
 */
@Configuration(proxyBeanMethods = false)
@ImportHttpServices(group = "pos", types = PosApiClient.class, clientType = HttpServiceGroup.ClientType.WEB_CLIENT)
class PosApiClients {

}

package dev.mooring.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Picks the relay of answers and of conversation events: Redis when {@code QUARKUS_REDIS_HOSTS} is set, none otherwise
 * (no Redis client starts).
 */
@ApplicationScoped
class Relays {

    private static final Logger LOG = Logger.getLogger(Relays.class);

    @Produces
    @ApplicationScoped
    AnswerRelay relay(Instance<RedisAnswerRelay> redis) {
        if (!redisConfigured()) {
            return AnswerRelay.NONE;
        }
        LOG.info("answers are relayed between nodes through Redis (quarkus.redis.hosts)");
        return redis.get();
    }

    @Produces
    @ApplicationScoped
    ConversationEvents conversationEvents(Instance<RedisConversationEvents> redis) {
        return redisConfigured() ? redis.get() : ConversationEvents.NONE;
    }

    private static boolean redisConfigured() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class)
                .filter(hosts -> !hosts.isBlank()).isPresent();
    }
}

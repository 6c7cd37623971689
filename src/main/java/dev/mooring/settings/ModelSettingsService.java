package dev.mooring.settings;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.config.ChatConfig;
import dev.mooring.config.PrivateDataDir;
import dev.mooring.model.BuiltModel;
import dev.mooring.model.ChatModelGateway;
import dev.mooring.model.CurrentModel;
import dev.mooring.model.ModelCatalogs;
import dev.mooring.model.ModelCatalogs.ModelListing;
import dev.mooring.model.ModelFactory;
import dev.mooring.model.ModelInfo;
import dev.mooring.model.ModelSetup;
import dev.mooring.model.ModelSwitched;
import dev.mooring.model.PromptBuilder;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The model in use and how the panel changes it: the environment's {@code CHAT_MODEL_*} are the defaults, the saved
 * settings override them part by part. A change is checked against the provider (its models are listed) before it
 * is saved, then takes effect for the next question; answers already running finish on the model they began with.
 */
@ApplicationScoped
public class ModelSettingsService {

    private static final Logger LOG = Logger.getLogger(ModelSettingsService.class);
    /** How long a provider may take to list its models. */
    static final Duration LIST_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_NAME = 200;
    private static final int MAX_URL = 2000;
    private static final int MAX_KEY = 1000;
    private static final int KEY_END_SHOWN = 4;
    private static final int KEY_END_SHOWN_FROM = 12;

    private final ChatConfig config;
    private final ModelSettingsFile file;
    private final Event<ModelSwitched> switched;
    private final Executor executor;
    private final ModelSetup environment;
    private final CurrentModel current;
    private volatile SavedModelSettings saved;

    ModelSettingsService(ChatConfig config, PrivateDataDir dataDir, ObjectMapper mapper, Event<ModelSwitched> switched,
                         Executor executor) {
        this.config = config;
        this.file = new ModelSettingsFile(dataDir.path(), mapper);
        this.switched = switched;
        this.executor = executor;
        this.environment = ModelSetup.of(config.model());
        this.saved = file.read();
        this.current = new CurrentModel(initialModel());
        ModelInfo info = current.info();
        LOG.infof("Model: provider %s, model %s%s", info.provider(), info.name(),
                info.demo() ? " (offline demo: set CHAT_MODEL_PROVIDER or choose a model in the panel)" : "");
    }

    @Produces
    @ApplicationScoped
    @Startup
    ChatModelGateway gateway() {
        return current;
    }

    void close(@Disposes ChatModelGateway gateway) {
        current.close();
    }

    public synchronized ModelSettingsViews.Settings view() {
        List<ModelSettingsViews.Provider> providers = new ArrayList<>();
        for (String provider : ModelSetup.PROVIDERS) {
            providers.add(providerView(provider));
        }
        return new ModelSettingsViews.Settings(current.info(), saved.present() ? "settings" : "environment",
                providers);
    }

    /**
     * Every model the service can reach: the demo model, and each provider that has what it needs, asked at once. A
     * provider nobody configured (Ollama at its default address) adds its models when it answers, and no problem
     * when it does not.
     */
    public ModelSettingsViews.Models models() {
        SavedModelSettings known = saved;
        List<CompletableFuture<ModelListing>> listings = new ArrayList<>();
        for (String provider : ModelSetup.PROVIDERS) {
            ModelSetup setup = setupOf(provider);
            if (setup.complete()) {
                listings.add(CompletableFuture.supplyAsync(() -> ModelCatalogs.list(setup, LIST_TIMEOUT), executor));
            }
        }
        ModelInfo inUse = current.info();
        List<ModelSettingsViews.Option> options = new ArrayList<>();
        List<ModelSettingsViews.Problem> problems = new ArrayList<>();
        for (CompletableFuture<ModelListing> future : listings) {
            ModelListing listing = future.join();
            boolean configured = known.profiles().containsKey(listing.provider())
                    || listing.provider().equals(environment.provider());
            if (!listing.ok() && configured) {
                problems.add(new ModelSettingsViews.Problem(listing.provider(), listing.problem()));
            }
            for (String name : listing.models()) {
                boolean demo = ModelSetup.DEMO.equals(listing.provider());
                options.add(new ModelSettingsViews.Option(listing.provider(), name, demo,
                        inUse.provider().equals(listing.provider()) && inUse.name().equals(name)));
            }
        }
        return new ModelSettingsViews.Models(options, problems);
    }

    /**
     * Checks the change against the provider, saves it and uses it for the next question.
     *
     * @throws ApiException bad_request for a malformed part or a provider that refuses (its words), internal when
     *                      the settings file cannot be written (the model in use stays)
     */
    public synchronized ModelSettingsViews.Settings save(ModelSettingsViews.Change change) {
        if (change == null || change.provider() == null || !ModelSetup.PROVIDERS.contains(change.provider().strip())) {
            throw bad("Choose a provider: " + String.join(", ", ModelSetup.PROVIDERS) + ".");
        }
        String provider = change.provider().strip();
        SavedModelSettings.Profile before = saved.profile(provider);
        SavedModelSettings.Profile profile = new SavedModelSettings.Profile(
                part(change.name(), before.name(), MAX_NAME, "model name"),
                part(change.baseUrl(), before.baseUrl(), MAX_URL, "base URL"),
                key(change.apiKey(), before.apiKey()));
        ModelSetup setup = profile.over(fallback(provider));
        if (!setup.demo()) {
            ModelListing listing = ModelCatalogs.list(setup, LIST_TIMEOUT);
            if (!listing.ok()) {
                throw bad(listing.problem());
            }
            boolean named = change.name() != null && !change.name().isBlank();
            if (!named && !listing.models().isEmpty() && !listing.models().contains(setup.effectiveName())) {
                // no name chosen with this change, and the one it would use is not offered: take the first offered
                profile = new SavedModelSettings.Profile(listing.models().get(0), profile.baseUrl(), profile.apiKey());
                setup = profile.over(fallback(provider));
            }
        }
        BuiltModel model = build(setup);
        SavedModelSettings next = saved.with(provider, profile);
        try {
            file.write(next);
        } catch (IOException e) {
            model.gateway().close();
            LOG.errorf("The model settings could not be written to %s: %s", file.path(), e.toString());
            throw new ApiException(ErrorCode.INTERNAL, "The settings could not be saved (" + e.getClass().getSimpleName()
                    + "); the model in use did not change.");
        }
        saved = next;
        use(model);
        return view();
    }

    /** Forgets the saved settings: the environment's model answers the next question. */
    public synchronized ModelSettingsViews.Settings reset() {
        if (!saved.present()) {
            return view();
        }
        BuiltModel model = build(environment);
        try {
            file.delete();
        } catch (IOException e) {
            model.gateway().close();
            throw new ApiException(ErrorCode.INTERNAL, "The saved settings could not be removed ("
                    + e.getClass().getSimpleName() + ").");
        }
        saved = SavedModelSettings.NONE;
        use(model);
        return view();
    }

    private BuiltModel initialModel() {
        if (saved.present()) {
            try {
                return create(setupOf(saved.provider()));
            } catch (IllegalStateException e) {
                LOG.warnf("The saved model settings in %s cannot be used (%s); using the environment's", file.path(),
                        e.getMessage());
                saved = SavedModelSettings.NONE;
            }
        }
        return create(environment);
    }

    private void use(BuiltModel model) {
        current.use(model);
        ModelInfo info = model.gateway().info();
        LOG.infof("Model switched: provider %s, model %s", info.provider(), info.name());
        switched.fire(new ModelSwitched(info));
    }

    private BuiltModel build(ModelSetup setup) {
        try {
            return create(setup);
        } catch (IllegalStateException e) {
            throw bad(e.getMessage());
        }
    }

    private BuiltModel create(ModelSetup setup) {
        return ModelFactory.create(setup, config.model(), config.demo(), PromptBuilder.of(config.prompt()));
    }

    /** What a provider uses: the saved parts over the environment's (when it names this provider) or the defaults. */
    private ModelSetup setupOf(String provider) {
        return saved.profile(provider).over(fallback(provider));
    }

    private ModelSetup fallback(String provider) {
        return provider.equals(environment.provider()) ? environment : new ModelSetup(provider, null, null, null);
    }

    private ModelSettingsViews.Provider providerView(String provider) {
        ModelSetup setup = setupOf(provider);
        String key = setup.apiKey();
        String from = key == null ? null : saved.profile(provider).apiKey() != null ? "settings" : "environment";
        String end = key != null && key.length() >= KEY_END_SHOWN_FROM ? key.substring(key.length() - KEY_END_SHOWN)
                : null;
        return new ModelSettingsViews.Provider(provider, setup.effectiveName(), setup.effectiveBaseUrl(), setup.demo(),
                key != null, end, from);
    }

    /** A part of a change: absent keeps {@code before}, empty clears it, else the value checked. */
    private static String part(String given, String before, int max, String what) {
        if (given == null) {
            return before;
        }
        String value = given.strip();
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > max || value.chars().anyMatch(Character::isISOControl)) {
            throw bad("The " + what + " must be one line of at most " + max + " characters.");
        }
        return value;
    }

    private static String key(String given, String before) {
        if (given == null) {
            return before;
        }
        String value = given.strip();
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_KEY || !value.chars().allMatch(c -> c > ' ' && c < 127)) {
            throw bad("The API key must be visible ASCII characters without spaces, at most " + MAX_KEY + ".");
        }
        return value;
    }

    private static ApiException bad(String message) {
        return new ApiException(ErrorCode.BAD_REQUEST, message);
    }
}

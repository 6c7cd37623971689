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
import java.util.concurrent.Executor;

/**
 * The model in use and how the panel changes it: the environment's {@code CHAT_MODEL_*} are the defaults, the saved
 * settings override them part by part. A change is checked against the provider (its models are listed) before it
 * is saved, then takes effect for the next question; answers already running finish on the model they began with.
 * A service of several users takes its model from the environment only: no one user chooses everyone's provider.
 */
@ApplicationScoped
public class ModelSettingsService {

    private static final Logger LOG = Logger.getLogger(ModelSettingsService.class);

    private final ChatConfig config;
    private final ModelSettingsFile file;
    private final Event<ModelSwitched> switched;
    private final Executor executor;
    private final ModelSetup environment;
    private final CurrentModel current;
    private final boolean severalUsers;
    private volatile SavedModelSettings saved;

    ModelSettingsService(ChatConfig config, PrivateDataDir dataDir, ObjectMapper mapper, Event<ModelSwitched> switched,
                         Executor executor) {
        this.config = config;
        this.file = new ModelSettingsFile(dataDir.path(), mapper);
        this.switched = switched;
        this.executor = executor;
        this.environment = ModelSetup.of(config.model());
        this.severalUsers = config.users().secret().isPresent();
        this.saved = severalUsers ? SavedModelSettings.NONE : file.read();
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

    public ModelSettingsViews.Settings view() {
        SavedModelSettings known = saved;
        return new ModelSettingsViews.Settings(current.info(), known.present() ? "settings" : "environment",
                setups().views());
    }

    /** Every model the service can reach, each provider asked at once with a short timeout. */
    public ModelSettingsViews.Models models() {
        return setups().models(current.info(), executor);
    }

    /**
     * Checks the change against the provider, saves it and uses it for the next question.
     *
     * @throws ApiException bad_request for a malformed part or a provider that refuses (its words), internal when
     *                      the settings file cannot be written (the model in use stays), forbidden on a service of
     *                      several users
     */
    public synchronized ModelSettingsViews.Settings save(ModelSettingsViews.Change change) {
        if (severalUsers) {
            throw new ApiException(ErrorCode.FORBIDDEN, "This service serves several users: its model is set by its"
                    + " environment (CHAT_MODEL_*), not from the panel.");
        }
        String provider = ProfileChange.provider(change);
        SavedModelSettings.Profile profile = ProfileChange.applied(saved.profile(provider), change);
        ModelSetups setups = setups();
        ModelSetup setup = profile.over(setups.fallback(provider));
        if (!setup.demo()) {
            ModelListing listing = ModelCatalogs.list(setup, ModelSetups.LIST_TIMEOUT);
            if (!listing.ok()) {
                throw ProfileChange.bad(listing.problem());
            }
            if (!ProfileChange.names(change) && !listing.models().isEmpty()
                    && !listing.models().contains(setup.effectiveName())) {
                // no name chosen with this change, and the one it would use is not offered: take the first offered
                profile = new SavedModelSettings.Profile(listing.models().get(0), profile.baseUrl(), profile.apiKey());
                setup = profile.over(setups.fallback(provider));
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
                return create(setups().inUse());
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

    private BuiltModel create(ModelSetup setup) {
        return ModelFactory.create(setup, config.model(), config.demo(), PromptBuilder.of(config.prompt()));
    }

    private ModelSetups setups() {
        return new ModelSetups(environment, saved);
    }

    private BuiltModel build(ModelSetup setup) {
        try {
            return create(setup);
        } catch (IllegalStateException e) {
            throw ProfileChange.bad(e.getMessage());
        }
    }
}

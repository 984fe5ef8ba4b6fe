using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Rotation;

/// <summary>
/// The provider-neutral rotation engine: read state → plan → apply one step → read (or take the
/// server's answer) → … → verify → retire. Every decision is made from server state and the new
/// key's kid, so a run interrupted anywhere can be run again and converges; no moment has 0 or more
/// than <see cref="CredentialPolicy.MaxAttached"/> credentials attached.
/// </summary>
/// <remarks>
/// <para>Order of the private_key_jwt PATCHes. Start: one PATCH that lists the working credentials
/// plus the new one ([old] → [old, new]). When both slots are taken the same single PATCH swaps one
/// out ([a, b] → [b, new]): an expired one if there is one (it signs nothing), else the one named in
/// Retire, so a working credential stays attached throughout and the list never holds 0 or 3.
/// Complete: one PATCH down to the new one and the credentials kept ([old, new] → [new]), then one
/// DELETE per retired credential. Undo: one PATCH back to the original list (or the switch back to
/// the secret), then the DELETE of the new credential.</para>
/// <para>Calls per rotation from one attached credential with an explicit audience: Start = read
/// (GET client + GET credentials), POST, PATCH, token; Complete = PATCH, DELETE (inside Invoke it
/// reuses Start's last answers and verification when younger than
/// <see cref="RotationSettings.ReverifyAfter"/>; standalone it reads and verifies again).</para>
/// <para>The new credential's default name records the kid prefixes it replaces, so a rerun after
/// a crash between Complete's PATCH and its DELETE still finds the detached predecessors.</para>
/// <para>A provider whose adding is attaching (<see cref="CredentialPolicy.SeparateAttach"/> false,
/// RFC 7592's jwks) gets the same flow without PATCHes: Start = (delete the expired or -Retire'd
/// key when the set is full) → create → verify; Complete = one delete per retiring key; Undo =
/// delete the new key while another stays; -KeepPrevious is refused before any change.</para>
/// </remarks>
public sealed class ClientCredentialRotator
{
    public ClientCredentialRotator(IClientCredentialProvider provider, IRotationHost host, RotationSettings? settings = null)
    {
        Provider = provider ?? throw new ArgumentNullException(nameof(provider));
        Host = host ?? throw new ArgumentNullException(nameof(host));
        Settings = settings ?? new RotationSettings();
    }

    public IClientCredentialProvider Provider { get; }

    public IRotationHost Host { get; }

    public RotationSettings Settings { get; }

    private CredentialPolicy Policy => Provider.Policy;

    /// <summary>
    /// First half: (prune), create, attach beside the old, verify with a real token. On a failed
    /// verification it undoes its own changes and throws <see cref="ErrorIds.RotationVerificationFailed"/>.
    /// Refusals (SlotFull, PoolFull, ClientUsesClientSecret, bad key) are thrown before any change.
    /// </summary>
    public async Task<ClientCredentialRotation> StartAsync(RotationStartOptions options, CancellationToken cancellationToken) =>
        (await StartCoreAsync(options, cancellationToken).ConfigureAwait(false)).Rotation;

    /// <summary>Second half: verify the new key again, detach the retiring credentials, delete them unless kept.</summary>
    public Task<ClientCredentialRotation> CompleteAsync(RotationCompleteOptions options, CancellationToken cancellationToken)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var rotation = new ClientCredentialRotation(Provider.Name, options.ClientId, options.NewKey.Kid)
        {
            NewKey = options.NewKey,
            Audience = options.Audience,
            RetiringKids = options.Retire,
        };
        return CompleteCoreAsync(new Run(rotation, cancellationToken), options.NewKey, options.Retire, options.KeepPrevious, reuse: false);
    }

    /// <summary>Complete from a Start result (its NewKey, RetiringKids and Audience).</summary>
    public Task<ClientCredentialRotation> CompleteAsync(ClientCredentialRotation rotation, bool keepPrevious, CancellationToken cancellationToken)
    {
        if (rotation is null)
        {
            throw new ArgumentNullException(nameof(rotation));
        }

        RotationKey key = rotation.NewKey ?? throw new PsCredRotateException(
            ErrorIds.PrivateKeyUnavailable,
            ErrorKind.InvalidArgument,
            $"The rotation of client '{rotation.ClientId}' holds no key for {rotation.NewKid} to verify with; complete it with -ClientId and -Key.",
            rotation.NewKid);
        return CompleteCoreAsync(new Run(rotation, cancellationToken), key, rotation.RetiringKids, keepPrevious, reuse: false);
    }

    /// <summary>Put the attached list back as it was before Start (and the secret method, if Start migrated), then delete the new credential.</summary>
    public async Task<ClientCredentialRotation> UndoAsync(ClientCredentialRotation rotation, CancellationToken cancellationToken)
    {
        if (rotation is null)
        {
            throw new ArgumentNullException(nameof(rotation));
        }

        var run = new Run(rotation, cancellationToken);
        await UndoCoreAsync(run).ConfigureAwait(false);
        return rotation;
    }

    /// <summary>Undo by client and new kid (no rotation object): detach and delete the credential with <paramref name="newKid"/>, never the last attached.</summary>
    public Task<ClientCredentialRotation> UndoAsync(string clientId, string newKid, CancellationToken cancellationToken)
    {
        var rotation = new ClientCredentialRotation(Provider.Name, clientId, newKid);
        return UndoAsync(rotation, cancellationToken);
    }

    /// <summary>
    /// Start, then <paramref name="deploy"/> (puts the new key where the application reads it), then
    /// Complete. A failed verification or deploy undoes and throws
    /// <see cref="ErrorIds.RotationVerificationFailed"/> / <see cref="ErrorIds.RotationDeployFailed"/>;
    /// the old credential keeps working. Complete reuses Start's last server answers and skips its
    /// second verification when Start's is younger than <see cref="RotationSettings.ReverifyAfter"/>.
    /// </summary>
    public async Task<ClientCredentialRotation> InvokeAsync(
        RotationStartOptions options,
        Func<ClientCredentialRotation, CancellationToken, Task> deploy,
        bool keepPrevious,
        CancellationToken cancellationToken)
    {
        if (deploy is null)
        {
            throw new ArgumentNullException(nameof(deploy));
        }

        if (keepPrevious && !Policy.SeparateAttach)
        {
            throw RotationPlanner.KeepPreviousUnsupported(options?.ClientId ?? string.Empty);
        }

        RotationStepKind[] completeNeeds = keepPrevious
            ? new[] { RotationStepKind.SetAttached }
            : new[] { RotationStepKind.SetAttached, RotationStepKind.Delete };
        Run run = await StartCoreAsync(options, cancellationToken, keepPrevious, completeNeeds).ConfigureAwait(false);
        ClientCredentialRotation rotation = run.Rotation;
        if (Host.WhatIf && rotation.Phase == RotationPhase.Planned)
        {
            ReportCompletePlan(run, keepPrevious);
            return rotation;
        }

        if (rotation.Phase != RotationPhase.Started)
        {
            return rotation;
        }

        try
        {
            Host.Verbose($"Deploying key {rotation.NewKid} for client '{rotation.ClientId}'.");
            await deploy(rotation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            run.State = null;
            string undo = await UndoAfterFailureAsync(run).ConfigureAwait(false);
            throw new PsCredRotateException(
                ErrorIds.RotationDeployFailed,
                ErrorKind.InvalidOperation,
                $"Deploying the new key {rotation.NewKid} of client '{rotation.ClientId}' failed: {e.Message} {undo}",
                rotation.ClientId,
                e);
        }

        bool fresh = rotation.VerifiedAt is { } verifiedAt && Settings.Clock() - verifiedAt < Settings.ReverifyAfter;
        if (!fresh)
        {
            run.State = null;
        }

        try
        {
            return await CompleteCoreAsync(run, rotation.NewKey!, rotation.RetiringKids, keepPrevious, reuse: fresh).ConfigureAwait(false);
        }
        catch (PsCredRotateException e) when (e.ErrorId == ErrorIds.RotationVerificationFailed)
        {
            run.State = null;
            string undo = await UndoAfterFailureAsync(run).ConfigureAwait(false);
            throw new PsCredRotateException(e.ErrorId, e.Kind, e.Message + " " + undo, e.Target, e.InnerException);
        }
    }

    // ================================================================ Start

    private async Task<Run> StartCoreAsync(RotationStartOptions options, CancellationToken cancellationToken, bool retiredMayStayDetached = false, params RotationStepKind[] permissionsAfterStart)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        DateTimeOffset now = Settings.Clock();

        // Everything that needs no call is checked first: bad input changes nothing.
        CredentialValidator.ValidateName(options.CredentialName, options.ClientId);
        options.CustodyProvider ??= Provider.Name;
        RotationKeySource source = RotationKeySource.Resolve(options);
        RotationKey key = source.Key;
        var proposal = new NewClientCredential(key)
        {
            Name = options.CredentialName,
            ExpiresAt = options.ExpiresAt,
            ParseExpiryFromCertificate = options.ParseExpiryFromCertificate,
        };
        CredentialValidator.Validate(proposal, Policy, now);

        var rotation = new ClientCredentialRotation(Provider.Name, options.ClientId, key.Kid)
        {
            NewKey = key,
            Audience = options.Audience,
            KeyPath = source.Path,
            Vault = source.Vault?.Vault,
            SecretName = source.Vault?.SecretName,
        };
        var run = new Run(rotation, cancellationToken);
        ClientCredentialState state = await ReadAsync(run).ConfigureAwait(false);
        source.CheckAgainst(state, retiredMayStayDetached);

        var intent = new StartIntent(key.Kid, options.Retire, options.PruneDetached, now);
        List<PlannedStep> plan = RotationPlanner.PlanStart(state, intent, Policy);
        ClientCredential? existing = state.FindByKid(key.Kid);
        rotation.ClientName = state.ClientName;
        rotation.RetiringKids = RotationPlanner.RetiringKids(state, intent, plan);
        rotation.OriginalAttachedIds = state.AttachedIds.Where(id => existing is null || id != existing.Id).ToList();
        rotation.OriginalAuthenticationMethod = state.AuthenticationMethod;
        proposal.Name ??= RotationPlanner.DefaultRotationName(key, rotation.RetiringKids, now);
        if (existing is not null)
        {
            rotation.Steps.Add(new RotationStep(RotationStepKind.Create, $"Create credential {key.Kid}", new[] { key.Kid }) { Status = RotationStepStatus.AlreadyDone });
            if (existing.Attached && Policy.SeparateAttach)
            {
                rotation.Steps.Add(new RotationStep(RotationStepKind.SetAttached, $"Attach {key.Kid} to private_key_jwt", new[] { key.Kid }) { Status = RotationStepStatus.AlreadyDone });
            }
        }

        Host.Verbose($"Rotating client '{options.ClientId}' to key {key.Kid}; attached now [{RotationGuards.Kids(state.Attached)}], retiring at Complete [{string.Join(", ", rotation.RetiringKids)}].");

        bool switchesMethod = !RotationGuards.UsesPrivateKeyJwt(state) && plan.Any(s => s.Kind == RotationStepKind.SetAttached);
        if (switchesMethod && !options.AllowAuthenticationMethodSwitch)
        {
            throw RotationGuards.UsesClientSecret(state, "Refused; once every caller can use the new key, run again with -AllowAuthenticationMethodSwitch");
        }

        string target = RotationGuards.Target(options.ClientId);
        if (Host.WhatIf)
        {
            if (source.WriteToVault)
            {
                Host.ShouldProcess(source.Vault!.ToString(), source.VaultAction);
            }

            if (source.WriteToFile)
            {
                Host.ShouldProcess(source.Path!, $"Write the new private key {key.Kid} to a file readable only by its owner");
            }

            ClientCredentialState simulated = state;
            foreach (PlannedStep step in plan)
            {
                string action = switchesMethod && step.Kind == RotationStepKind.SetAttached
                    ? step.Description + $" (switches the client from {state.AuthenticationMethod} to private_key_jwt)"
                    : step.Description;
                Host.ShouldProcess(target, action);
                rotation.Steps.Add(step.ToStep(RotationStepStatus.Planned));
                simulated = RotationPlanner.Simulate(simulated, step, key.Kid);
            }

            ReportVerify(run);
            run.State = simulated;
            rotation.Phase = RotationPhase.Planned;
            return run;
        }

        // A created credential may have to be deleted again (rollback), so creating needs deleting too.
        var startNeeds = plan.Select(p => p.Kind).Concat(permissionsAfterStart).ToList();
        if (startNeeds.Contains(RotationStepKind.Create))
        {
            startNeeds.Add(RotationStepKind.Delete);
        }

        EnsurePermitted(startNeeds);

        if (switchesMethod && !Host.ShouldContinue(RotationGuards.SwitchExplanation(state) + " Switch it to private_key_jwt now?", "Switch the authentication method"))
        {
            PlannedStep attach = plan.First(s => s.Kind == RotationStepKind.SetAttached);
            return Declined(run, attach, state);
        }

        if (source.WriteToVault)
        {
            if (!Host.ShouldProcess(source.Vault!.ToString(), source.VaultAction))
            {
                return Declined(run, plan.Count > 0 ? plan[0] : new PlannedStep(RotationStepKind.Create, $"Create credential {key.Kid}", new[] { key.Kid }), state);
            }

            source.WriteVault();
            Host.Verbose($"Stored the new private key {key.Kid} in the {source.Vault}.");
        }

        if (source.WriteToFile)
        {
            if (!Host.ShouldProcess(source.Path!, $"Write the new private key {key.Kid} to a file readable only by its owner"))
            {
                return Declined(run, plan.Count > 0 ? plan[0] : new PlannedStep(RotationStepKind.Create, $"Create credential {key.Kid}", new[] { key.Kid }), state);
            }

            source.Write();
            Host.Verbose($"Wrote the new private key {key.Kid} to '{source.Path}' (owner-only).");
        }

        bool applied;
        try
        {
            applied = await ApplyAsync(run, state, s => RotationPlanner.PlanStart(s, intent, Policy, replanning: true), proposal).ConfigureAwait(false);
        }
        catch (PsCredRotateException e)
        {
            // Refused half-way (a permission, a limit reached meanwhile): take back what this run made.
            run.State = null;
            string undo = await UndoAfterFailureAsync(run).ConfigureAwait(false);
            Host.Verbose($"Client '{options.ClientId}': the rotation stopped with {e.ErrorId}. {undo}");
            throw;
        }

        if (!applied)
        {
            return run;
        }

        rotation.NewCredential = run.State!.FindByKid(key.Kid);
        ClientCredentialTestResult result;
        try
        {
            result = await VerifyAsync(run, key, options.Audience).ConfigureAwait(false);
        }
        catch (PsCredRotateException e)
        {
            // The token request could not be made (no audience, no grant, the endpoint unreachable):
            // the new key is unproven, so it does not stay attached.
            string undo = await UndoAfterFailureAsync(run).ConfigureAwait(false);
            Host.Verbose($"Client '{options.ClientId}': verifying {key.Kid} failed with {e.ErrorId}. {undo}");
            throw;
        }

        if (!result.Success)
        {
            string undo = await UndoAfterFailureAsync(run).ConfigureAwait(false);
            throw VerificationFailed(rotation, result, undo);
        }

        rotation.Phase = RotationPhase.Started;
        Host.Verbose($"Client '{options.ClientId}': key {key.Kid} attached and verified; deploy it, then complete the rotation.");
        return run;
    }

    // ================================================================ Complete

    private async Task<ClientCredentialRotation> CompleteCoreAsync(Run run, RotationKey key, IReadOnlyList<string> retire, bool keepPrevious, bool reuse)
    {
        RotationGuards.EnsurePrivateKey(key);
        run.Transients = 0;
        ClientCredentialRotation rotation = run.Rotation;
        if (key.Kid != rotation.NewKid)
        {
            throw new PsCredRotateException(
                ErrorIds.RotationKeyConflict,
                ErrorKind.InvalidArgument,
                $"The key {key.Kid} is not the rotation's new key {rotation.NewKid}.",
                key.Kid);
        }

        ClientCredentialState state = reuse && run.State is not null ? run.State : await ReadAsync(run).ConfigureAwait(false);
        var alreadyDone = new List<RotationStep>();
        var retiring = new List<string>();
        List<PlannedStep> plan = RotationPlanner.PlanComplete(state, key.Kid, retire, keepPrevious, alreadyDone, retiring, Policy.SeparateAttach);
        rotation.Steps.AddRange(alreadyDone);
        rotation.ClientName ??= state.ClientName;
        rotation.RetiringKids = retiring;
        rotation.NewCredential = state.FindByKid(key.Kid);

        if (Host.WhatIf)
        {
            ReportVerify(run);
            foreach (PlannedStep step in plan)
            {
                Host.ShouldProcess(RotationGuards.Target(rotation.ClientId), step.Description);
                rotation.Steps.Add(step.ToStep(RotationStepStatus.Planned));
            }

            return rotation;
        }

        EnsurePermitted(plan.Select(p => p.Kind));
        if (!reuse)
        {
            ClientCredentialTestResult result = await VerifyAsync(run, key, rotation.Audience).ConfigureAwait(false);
            if (!result.Success)
            {
                throw VerificationFailed(rotation, result, "Nothing was retired; the previous credentials stay attached.");
            }
        }
        else
        {
            Host.Verbose($"Key {key.Kid} was verified at {rotation.VerifiedAt:u}, within {Settings.ReverifyAfter.TotalSeconds:0} s; not verifying again.");
        }

        var scratch = new List<string>();
        if (!await ApplyAsync(run, state, s => RotationPlanner.PlanComplete(s, key.Kid, retire, keepPrevious, new List<RotationStep>(), scratch, Policy.SeparateAttach), null).ConfigureAwait(false))
        {
            return rotation;
        }

        rotation.NewCredential = run.State!.FindByKid(key.Kid) ?? rotation.NewCredential;
        rotation.Phase = RotationPhase.Completed;
        Host.Verbose($"Client '{rotation.ClientId}': rotation to {key.Kid} complete; attached [{RotationGuards.Kids(run.State.Attached)}].");
        return rotation;
    }

    private void ReportCompletePlan(Run run, bool keepPrevious)
    {
        ClientCredentialRotation rotation = run.Rotation;
        ClientCredentialState state = run.State!;
        List<PlannedStep> plan = RotationPlanner.PlanComplete(state, rotation.NewKid, rotation.RetiringKids, keepPrevious, new List<RotationStep>(), new List<string>(), Policy.SeparateAttach);
        foreach (PlannedStep step in plan)
        {
            Host.ShouldProcess(RotationGuards.Target(rotation.ClientId), step.Description);
            rotation.Steps.Add(step.ToStep(RotationStepStatus.Planned));
        }
    }

    // ================================================================ Undo

    private async Task<bool> UndoCoreAsync(Run run)
    {
        ClientCredentialRotation rotation = run.Rotation;
        ClientCredentialState state = run.State ?? await ReadAsync(run).ConfigureAwait(false);
        Func<ClientCredentialState, List<PlannedStep>> planUndo = s =>
            RotationPlanner.PlanUndo(s, rotation.NewKid, rotation.OriginalAttachedIds, rotation.OriginalAuthenticationMethod, Policy);
        List<PlannedStep> plan = planUndo(state);
        if (plan.Count == 0)
        {
            rotation.Steps.Add(new RotationStep(RotationStepKind.Delete, $"Delete the new credential {rotation.NewKid}", new[] { rotation.NewKid }) { Status = RotationStepStatus.AlreadyDone });
        }

        if (Host.WhatIf)
        {
            foreach (PlannedStep step in plan)
            {
                Host.ShouldProcess(RotationGuards.Target(rotation.ClientId), step.Description);
                rotation.Steps.Add(step.ToStep(RotationStepStatus.Planned));
            }

            return false;
        }

        EnsurePermitted(plan.Select(p => p.Kind));
        if (!await ApplyAsync(run, state, planUndo, null).ConfigureAwait(false))
        {
            return false;
        }

        rotation.Phase = RotationPhase.Undone;
        rotation.NewCredential = null;
        Host.Verbose($"Client '{rotation.ClientId}': rotation to {rotation.NewKid} undone; attached [{RotationGuards.Kids(run.State!.Attached)}].");
        return true;
    }

    /// <summary>The automatic rollback after a failed verification or deploy; says how it went, for the error message.</summary>
    private async Task<string> UndoAfterFailureAsync(Run run)
    {
        try
        {
            run.Transients = 0;
            return await UndoCoreAsync(run).ConfigureAwait(false)
                ? "The new credential was removed and the previous credentials are attached as before."
                : "The rollback was declined; the previous credentials are still attached beside the new one.";
        }
        catch (Exception e) when (!(e is OperationCanceledException))
        {
            Host.Warning($"Rolling back the rotation of client '{run.Rotation.ClientId}' failed: {e.Message}");
            return $"Rolling back failed ({(e as PsCredRotateException)?.ErrorId ?? e.GetType().Name}: {e.Message}); the previous credentials are still attached. Run Undo-ClientCredentialRotation -ClientId {run.Rotation.ClientId} -NewKid {run.Rotation.NewKid}.";
        }
    }

    // ================================================================ applying steps

    /// <summary>
    /// Applies the plan one step at a time, taking each step's answer as the new state and planning
    /// again; a transient failure waits, reads the server again and re-plans. False when declined.
    /// </summary>
    private async Task<bool> ApplyAsync(Run run, ClientCredentialState state, Func<ClientCredentialState, List<PlannedStep>> planner, NewClientCredential? proposal)
    {
        ClientCredentialRotation rotation = run.Rotation;
        string target = RotationGuards.Target(rotation.ClientId);
        for (int guard = 0; ; guard++)
        {
            run.CancellationToken.ThrowIfCancellationRequested();
            List<PlannedStep> plan = planner(state);
            if (plan.Count == 0)
            {
                run.State = state;
                return true;
            }

            if (guard > 32)
            {
                throw new PsCredRotateException(ErrorIds.Unexpected, ErrorKind.InvalidOperation, $"The rotation of client '{rotation.ClientId}' does not converge; the server keeps changing.", rotation.ClientId);
            }

            PlannedStep step = plan[0];
            if (!run.Approved.Contains(step.Description))
            {
                if (!Host.ShouldProcess(target, step.Description))
                {
                    Declined(run, step, state);
                    return false;
                }

                run.Approved.Add(step.Description);
            }

            try
            {
                state = await ApplyStepAsync(run, state, step, proposal).ConfigureAwait(false);
                rotation.Steps.Add(new RotationStep(step.Kind, step.Description, step.Kids) { Status = RotationStepStatus.Done, CompletedAt = Settings.Clock() });
                Host.Verbose($"Client '{rotation.ClientId}': {step.Description}: done.");
            }
            catch (ApiException e) when (e.IsTransient)
            {
                await TransientAsync(run, e, step.Description).ConfigureAwait(false);
                state = await ReadAsync(run).ConfigureAwait(false);
            }
            catch (PsCredRotateException e) when (step.Kind == RotationStepKind.Create && e.ErrorId == ErrorIds.CredentialExists)
            {
                // The credential is there already (an earlier attempt that failed after the server committed): read and go on.
                Host.Verbose($"Client '{rotation.ClientId}': credential {rotation.NewKid} exists already; reading the client again.");
                await TransientAsync(run, e, step.Description, wait: false).ConfigureAwait(false);
                state = await ReadAsync(run).ConfigureAwait(false);
                if (state.FindByKid(rotation.NewKid) is not null)
                {
                    rotation.Steps.Add(new RotationStep(step.Kind, step.Description, step.Kids) { Status = RotationStepStatus.AlreadyDone, CompletedAt = Settings.Clock() });
                }
            }
        }
    }

    private async Task<ClientCredentialState> ApplyStepAsync(Run run, ClientCredentialState state, PlannedStep step, NewClientCredential? proposal)
    {
        string clientId = run.Rotation.ClientId;
        CancellationToken ct = run.CancellationToken;
        switch (step.Kind)
        {
            case RotationStepKind.Prune:
            case RotationStepKind.Delete:
                await Provider.DeleteAsync(clientId, step.CredentialId!, ct).ConfigureAwait(false);
                return RotationPlanner.Without(state, step.CredentialId!);
            case RotationStepKind.Create:
                ClientCredential created = await Provider.AddAsync(clientId, proposal!, ct).ConfigureAwait(false);
                return RotationPlanner.WithCredential(state, created);
            case RotationStepKind.SetAttached:
                IReadOnlyList<string> attached = await Provider.SetAttachedAsync(clientId, step.AttachedIds!, ct).ConfigureAwait(false);
                return RotationPlanner.WithAttached(state, attached);
            case RotationStepKind.RestoreAuthenticationMethod:
                await Provider.RestoreAuthenticationMethodAsync(clientId, step.Method, ct).ConfigureAwait(false);
                return RotationPlanner.WithMethod(state, step.Method);
            default:
                throw new InvalidOperationException($"Step {step.Kind} is not applied through the provider.");
        }
    }

    private async Task<ClientCredentialState> ReadAsync(Run run)
    {
        while (true)
        {
            try
            {
                ClientCredentialState state = await Provider.ReadAsync(run.Rotation.ClientId, run.CancellationToken).ConfigureAwait(false);
                run.State = state;
                return state;
            }
            catch (ApiException e) when (e.IsTransient)
            {
                await TransientAsync(run, e, "read the client's credentials").ConfigureAwait(false);
            }
        }
    }

    private async Task TransientAsync(Run run, PsCredRotateException e, string what, bool wait = true)
    {
        run.Transients++;
        if (run.Transients > Settings.MaxTransientFailures)
        {
            Host.Verbose($"Client '{run.Rotation.ClientId}': {what}: {e.ErrorId}; giving up after {Settings.MaxTransientFailures} transient failures.");
            throw e;
        }

        Host.Verbose($"Client '{run.Rotation.ClientId}': {what}: {e.ErrorId} (transient {run.Transients} of {Settings.MaxTransientFailures}); reading the server again.");
        if (wait && Settings.TransientRetryDelay > TimeSpan.Zero)
        {
            await Task.Delay(Settings.TransientRetryDelay, run.CancellationToken).ConfigureAwait(false);
        }
    }

    private void EnsurePermitted(IEnumerable<RotationStepKind> kinds)
    {
        if (Provider is IClientCredentialPermissionCheck check)
        {
            var needed = kinds.Distinct().ToList();
            if (needed.Count > 0)
            {
                check.EnsurePermitted(needed);
            }
        }
    }

    // ================================================================ verification

    private async Task<ClientCredentialTestResult> VerifyAsync(Run run, RotationKey key, string? audience)
    {
        ClientCredentialRotation rotation = run.Rotation;
        int attempts = Math.Max(1, Settings.VerifyAttempts);
        ClientCredentialTestResult? result = null;
        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                result = await Provider.TestAsync(rotation.ClientId, key, audience, run.CancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.IsTransient)
            {
                await TransientAsync(run, e, $"verify {key.Kid}").ConfigureAwait(false);
                attempt--;
                continue;
            }

            if (result.Success)
            {
                break;
            }

            Host.Verbose($"Client '{rotation.ClientId}': token request signed by {key.Kid} refused ({result.Error}), attempt {attempt} of {attempts}.");
            if (attempt < attempts && Settings.VerifyRetryDelay > TimeSpan.Zero)
            {
                await Task.Delay(Settings.VerifyRetryDelay, run.CancellationToken).ConfigureAwait(false);
            }
        }

        rotation.Verification = result;
        rotation.Verified = result!.Success;
        rotation.VerifiedAt = result.Success ? Settings.Clock() : rotation.VerifiedAt;
        rotation.Steps.Add(new RotationStep(RotationStepKind.Verify, $"Verify {key.Kid} with a token request", new[] { key.Kid })
        {
            Status = result.Success ? RotationStepStatus.Done : RotationStepStatus.Failed,
            CompletedAt = Settings.Clock(),
            Error = result.Success ? null : $"{result.Error}: {result.ErrorDescription}",
        });
        Host.Verbose($"Client '{rotation.ClientId}': key {key.Kid} {(result.Success ? "verified: token issued" : "not verified")}.");
        return result;
    }

    private void ReportVerify(Run run)
    {
        string action = $"Verify {run.Rotation.NewKid} with a token request";
        Host.ShouldProcess(RotationGuards.Target(run.Rotation.ClientId), action);
        run.Rotation.Steps.Add(new RotationStep(RotationStepKind.Verify, action, new[] { run.Rotation.NewKid }));
    }

    private static PsCredRotateException VerificationFailed(ClientCredentialRotation rotation, ClientCredentialTestResult result, string outcome) =>
        new(
            ErrorIds.RotationVerificationFailed,
            ErrorKind.InvalidOperation,
            $"The token endpoint refused an assertion signed by the new key {rotation.NewKid} of client '{rotation.ClientId}' ({result.StatusCode?.ToString() ?? "no response"} {result.Error}: {result.ErrorDescription}). {outcome}",
            rotation.ClientId);

    private Run Declined(Run run, PlannedStep step, ClientCredentialState state)
    {
        run.Rotation.Steps.Add(new RotationStep(step.Kind, step.Description, step.Kids) { Status = RotationStepStatus.Declined, Error = ErrorIds.RotationDeclined });
        run.Rotation.Phase = RotationPhase.Declined;
        run.State = state;
        Host.Verbose($"Client '{run.Rotation.ClientId}': {step.Description}: declined ({ErrorIds.RotationDeclined}); run again to resume.");
        return run;
    }

    /// <summary>One operation on one client: its rotation object, the last server state, its transient-failure budget.</summary>
    private sealed class Run
    {
        public Run(ClientCredentialRotation rotation, CancellationToken cancellationToken)
        {
            Rotation = rotation;
            CancellationToken = cancellationToken;
        }

        public ClientCredentialRotation Rotation { get; }

        public CancellationToken CancellationToken { get; }

        /// <summary>The server's last answer (a read, or the state after the last step's answer).</summary>
        public ClientCredentialState? State { get; set; }

        public int Transients { get; set; }

        public HashSet<string> Approved { get; } = new(StringComparer.Ordinal);
    }
}

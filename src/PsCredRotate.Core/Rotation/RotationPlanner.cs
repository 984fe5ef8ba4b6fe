using System;
using System.Collections.Generic;
using System.Linq;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Rotation;

/// <summary>One step the planner wants applied, with what the engine needs to apply it.</summary>
internal sealed class PlannedStep
{
    public PlannedStep(RotationStepKind kind, string description, IReadOnlyList<string> kids)
    {
        Kind = kind;
        Description = description;
        Kids = kids;
    }

    public RotationStepKind Kind { get; }

    public string Description { get; }

    public IReadOnlyList<string> Kids { get; }

    /// <summary>Prune/Delete: the credential id.</summary>
    public string? CredentialId { get; set; }

    /// <summary>SetAttached: the complete new list, in order.</summary>
    public IReadOnlyList<string>? AttachedIds { get; set; }

    /// <summary>RestoreAuthenticationMethod: the method to go back to.</summary>
    public ClientAuthenticationMethod Method { get; set; }

    /// <summary>Create: the provider attaches what it creates (<see cref="CredentialPolicy.SeparateAttach"/> false).</summary>
    public bool Attaches { get; set; }

    public RotationStep ToStep(RotationStepStatus status) => new(Kind, Description, Kids) { Status = status };
}

/// <summary>What a Start plan needs besides server state.</summary>
internal sealed class StartIntent
{
    public StartIntent(string newKid, IReadOnlyList<string> retire, bool pruneDetached, DateTimeOffset now)
    {
        NewKid = newKid;
        Retire = retire;
        PruneDetached = pruneDetached;
        Now = now;
    }

    public string NewKid { get; }

    public IReadOnlyList<string> Retire { get; }

    public bool PruneDetached { get; }

    public DateTimeOffset Now { get; }
}

/// <summary>
/// Pure planning from server state: every plan is computed to the end on a simulated state, so a
/// refusal (SlotFull, PoolFull, a bad -Retire) is raised before the first change, -WhatIf shows
/// every step, and the engine applies only the first step before planning again from the server's
/// answer. Attach lists never hold 0 (except a migration's first attach, from a secret) or more
/// than <see cref="CredentialPolicy.MaxAttached"/> ids.
/// </summary>
/// <remarks>
/// A provider whose adding is attaching (<see cref="CredentialPolicy.SeparateAttach"/> false, RFC
/// 7592's <c>jwks</c>) gets the same plans without SetAttached steps: Start is (delete an expired or
/// -Retire'd key when the set is full) → create; Complete deletes the retiring keys one by one,
/// the new one staying; Undo deletes the new key while another one stays. -KeepPrevious is refused
/// there (a kept key would stay able to sign in).
/// </remarks>
internal static class RotationPlanner
{
    /// <summary>Placeholder id of the credential a simulated Create adds.</summary>
    internal const string PendingId = "(new)";

    // ---------------------------------------------------------------- Start

    /// <summary>The steps from <paramref name="state"/> to "new credential attached beside the working ones".</summary>
    /// <remarks><paramref name="replanning"/>: planning again after a step of this run, when a -Retire'd key this run deleted to make room (adding is attaching) is gone.</remarks>
    public static List<PlannedStep> PlanStart(ClientCredentialState state, StartIntent intent, CredentialPolicy policy, bool replanning = false)
    {
        ValidateStartRetire(state, intent, replanning && !policy.SeparateAttach);
        var steps = new List<PlannedStep>();
        ClientCredentialState current = state;
        for (int guard = 0; guard < 8; guard++)
        {
            PlannedStep? next = NextStartStep(current, intent, policy);
            if (next is null)
            {
                return steps;
            }

            steps.Add(next);
            current = Simulate(current, next, intent.NewKid);
        }

        throw new InvalidOperationException("The rotation plan did not converge.");
    }

    /// <summary>The kids Complete retires: those named, or every attached one other than the new; plus a credential the plan detaches to make room.</summary>
    public static List<string> RetiringKids(ClientCredentialState state, StartIntent intent, IEnumerable<PlannedStep> plan)
    {
        var kids = new List<string>();
        if (intent.Retire.Count > 0)
        {
            foreach (string entry in intent.Retire)
            {
                kids.Add(state.Find(entry) is { } c ? RotationGuards.Name(c) : entry);
            }
        }
        else
        {
            kids.AddRange(state.Attached.Where(c => c.Kid != intent.NewKid).Select(RotationGuards.Name));
            if (state.FindByKid(intent.NewKid) is { } newCredential)
            {
                kids.AddRange(Predecessors(state, newCredential).Where(c => !c.Attached).Select(RotationGuards.Name).Where(k => !kids.Contains(k)));
            }
        }

        foreach (PlannedStep step in plan.Where(s => (s.Kind == RotationStepKind.SetAttached || s.Kind == RotationStepKind.Delete) && s.CredentialId is not null))
        {
            if (state.FindById(step.CredentialId!) is { } victim && !kids.Contains(RotationGuards.Name(victim)))
            {
                kids.Add(RotationGuards.Name(victim));
            }
        }

        return kids;
    }

    private static void ValidateStartRetire(ClientCredentialState state, StartIntent intent, bool goneMayBeDeletedByThisRun)
    {
        ClientCredential? newCredential = state.FindByKid(intent.NewKid);
        foreach (string entry in intent.Retire)
        {
            ClientCredential? named = state.Find(entry);
            if (entry == intent.NewKid || (named is not null && named.Kid == intent.NewKid))
            {
                throw new PsCredRotateException(
                    ErrorIds.RetireIncludesNewKey,
                    ErrorKind.InvalidArgument,
                    $"-Retire names the new key {intent.NewKid}; a rotation retires the credentials the new key replaces. Leave it out of -Retire.",
                    entry);
            }

            // Detached by an interrupted run of this rotation (to make room), or already retired and
            // deleted by a finished one (the new key is attached): accepted on the rerun.
            bool resumed = (named is not null && !named.Attached && newCredential is not null)
                || (named is null && newCredential is { Attached: true })
                || (named is null && goneMayBeDeletedByThisRun);
            if (!resumed && (named is null || !named.Attached))
            {
                throw new PsCredRotateException(
                    ErrorIds.RetireCredentialNotAttached,
                    ErrorKind.InvalidArgument,
                    $"-Retire names '{entry}', which is not attached to client '{state.ClientId}'. Attached: [{RotationGuards.Kids(state.Attached)}].",
                    entry);
            }
        }
    }

    private static PlannedStep? NextStartStep(ClientCredentialState state, StartIntent intent, CredentialPolicy policy)
    {
        if (!policy.SeparateAttach)
        {
            return NextStartStepAttachingOnCreate(state, intent, policy);
        }

        ClientCredential? newCredential = state.FindByKid(intent.NewKid);
        if (newCredential is null)
        {
            if (state.Credentials.Count >= policy.MaxStored)
            {
                if (!intent.PruneDetached)
                {
                    throw RotationGuards.PoolFull(state, policy, "Delete a detached credential (Remove-ClientCredential) or allow it with -PruneDetached");
                }

                ClientCredential prune = state.Detached
                    .OrderByDescending(c => c.IsExpiredAt(intent.Now))
                    .ThenBy(c => c.CreatedAt ?? DateTimeOffset.MinValue)
                    .First();
                return new PlannedStep(RotationStepKind.Prune, $"Delete detached credential {RotationGuards.Name(prune)} to make room in the pool", new[] { RotationGuards.Name(prune) })
                {
                    CredentialId = prune.Id,
                };
            }

            return new PlannedStep(RotationStepKind.Create, $"Create credential {intent.NewKid}", new[] { intent.NewKid });
        }

        if (newCredential.Attached)
        {
            return null;
        }

        List<ClientCredential> attached = AttachedInOrder(state);
        ClientCredential? victim = null;
        if (attached.Count >= policy.MaxAttached)
        {
            victim = ChooseVictim(state, attached, intent, policy);
        }

        var ids = attached.Where(c => c != victim).Select(c => c.Id).Concat(new[] { newCredential.Id }).ToList();
        var kids = attached.Where(c => c != victim).Select(RotationGuards.Name).Concat(new[] { intent.NewKid }).ToList();
        string description = victim is null
            ? $"Attach {intent.NewKid} to private_key_jwt: [{string.Join(", ", kids)}]"
            : $"Attach {intent.NewKid} in place of {RotationGuards.Name(victim)} in private_key_jwt: [{string.Join(", ", kids)}]";
        var touched = new List<string>(kids);
        if (victim is not null)
        {
            touched.Add(RotationGuards.Name(victim));
        }

        return new PlannedStep(RotationStepKind.SetAttached, description, touched)
        {
            AttachedIds = ids,
            CredentialId = victim?.Id,
        };
    }

    /// <summary>
    /// Adding is attaching: create the new credential (it is attached by being stored); when the
    /// set is full, first delete the one the Auth0 plan would swap out (an expired one, else the one
    /// named in -Retire), so the set never holds more than <see cref="CredentialPolicy.MaxAttached"/>
    /// and a working credential stays throughout.
    /// </summary>
    private static PlannedStep? NextStartStepAttachingOnCreate(ClientCredentialState state, StartIntent intent, CredentialPolicy policy)
    {
        if (state.FindByKid(intent.NewKid) is not null)
        {
            return null;
        }

        List<ClientCredential> attached = AttachedInOrder(state);
        if (attached.Count >= policy.MaxAttached)
        {
            ClientCredential victim = ChooseVictim(state, attached, intent, policy);
            return new PlannedStep(RotationStepKind.Delete, $"Delete {RotationGuards.Name(victim)} to make room for {intent.NewKid}", new[] { RotationGuards.Name(victim) })
            {
                CredentialId = victim.Id,
            };
        }

        return new PlannedStep(RotationStepKind.Create, $"Create credential {intent.NewKid} (attached: it can sign in at once)", new[] { intent.NewKid })
        {
            Attaches = true,
        };
    }

    /// <summary>
    /// Both slots taken: the credential to detach in the same PATCH that attaches the new one.
    /// An expired one first (it signs nothing, so nothing breaks); else one named in -Retire, which
    /// leaves the other (working) one attached throughout. The only-working credential is never the
    /// one swapped out while another, expired one could go instead.
    /// </summary>
    private static ClientCredential ChooseVictim(ClientCredentialState state, List<ClientCredential> attached, StartIntent intent, CredentialPolicy policy)
    {
        ClientCredential? expired = attached
            .Where(c => c.IsExpiredAt(intent.Now))
            .OrderByDescending(c => Named(intent, c))
            .FirstOrDefault();
        if (expired is not null)
        {
            return expired;
        }

        ClientCredential? named = attached.FirstOrDefault(c => Named(intent, c));
        if (named is not null)
        {
            return named;
        }

        throw RotationGuards.SlotFull(state, policy, "Name the one to retire with -Retire");
    }

    private static bool Named(StartIntent intent, ClientCredential c) =>
        intent.Retire.Any(r => r == c.Id || (c.Kid is not null && r == c.Kid));

    // ---------------------------------------------------------------- Complete

    /// <summary>Detach every retiring credential in one PATCH that keeps the new one, then delete them unless kept.</summary>
    public static List<PlannedStep> PlanComplete(ClientCredentialState state, string newKid, IReadOnlyList<string> retire, bool keepPrevious, List<RotationStep> alreadyDone, List<string> retiringKids, bool separateAttach = true)
    {
        if (keepPrevious && !separateAttach)
        {
            throw KeepPreviousUnsupported(state.ClientId);
        }

        ClientCredential? newCredential = state.FindByKid(newKid);
        if (newCredential is null || !newCredential.Attached || !RotationGuards.UsesPrivateKeyJwt(state))
        {
            throw new PsCredRotateException(
                ErrorIds.RotationNotStarted,
                ErrorKind.InvalidOperation,
                $"Client '{state.ClientId}' does not have the new key {newKid} attached{(newCredential is null ? string.Empty : " (it is stored, not attached)")}; run Start-ClientCredentialRotation first.",
                state.ClientId);
        }

        var retiring = new List<ClientCredential>();
        if (retire.Count == 0)
        {
            retiring.AddRange(state.Attached.Where(c => c.Id != newCredential.Id));
            retiring.AddRange(Predecessors(state, newCredential).Where(c => !c.Attached));
        }
        else
        {
            foreach (string entry in retire)
            {
                if (entry == newKid || entry == newCredential.Id)
                {
                    throw new PsCredRotateException(
                        ErrorIds.RetireIncludesNewKey,
                        ErrorKind.InvalidArgument,
                        $"-Retire names the new key {newKid}; it must stay attached. Leave it out of -Retire.",
                        entry);
                }

                ClientCredential? named = state.Find(entry);
                if (named is null)
                {
                    // Retired (deleted) by an interrupted run of this Complete.
                    alreadyDone.Add(new RotationStep(RotationStepKind.Delete, $"Delete credential {entry}", new[] { entry }) { Status = RotationStepStatus.AlreadyDone });
                    if (!retiringKids.Contains(entry))
                    {
                        retiringKids.Add(entry);
                    }
                }
                else if (!retiring.Contains(named))
                {
                    retiring.Add(named);
                }
            }
        }

        retiringKids.AddRange(retiring.Select(RotationGuards.Name).Where(k => !retiringKids.Contains(k)));
        var steps = new List<PlannedStep>();
        var detach = retiring.Where(c => c.Attached).ToList();
        if (detach.Count > 0 && separateAttach)
        {
            var keep = AttachedInOrder(state).Where(c => !detach.Contains(c)).ToList();
            steps.Add(new PlannedStep(
                RotationStepKind.SetAttached,
                $"Detach [{RotationGuards.Kids(detach)}] from private_key_jwt, keeping [{RotationGuards.Kids(keep)}]",
                detach.Concat(keep).Select(RotationGuards.Name).ToList())
            {
                AttachedIds = keep.Select(c => c.Id).ToList(),
            });
        }

        if (!keepPrevious)
        {
            foreach (ClientCredential c in retiring)
            {
                steps.Add(new PlannedStep(RotationStepKind.Delete, $"Delete retired credential {RotationGuards.Name(c)}", new[] { RotationGuards.Name(c) })
                {
                    CredentialId = c.Id,
                });
            }
        }

        return steps;
    }

    /// <summary>-KeepPrevious where a credential cannot be stored without being attached (RFC 7592 jwks).</summary>
    public static PsCredRotateException KeepPreviousUnsupported(string clientId) =>
        new(
            ErrorIds.KeepPreviousUnsupported,
            ErrorKind.InvalidArgument,
            $"Client '{clientId}' cannot keep a retired key without it staying able to sign in: its provider stores keys only as attached ones (a JWK Set). Leave out -KeepPrevious; keep a copy of the old key yourself if you may need it again.",
            clientId);

    // ---------------------------------------------------------------- Undo

    /// <summary>Put back the original attached list (or method), then delete the new credential. Never leaves nothing attached on a private_key_jwt client.</summary>
    public static List<PlannedStep> PlanUndo(
        ClientCredentialState state,
        string newKid,
        IReadOnlyList<string> originalAttachedIds,
        ClientAuthenticationMethod originalMethod,
        CredentialPolicy policy)
    {
        var steps = new List<PlannedStep>();
        ClientCredential? newCredential = state.FindByKid(newKid);
        if (newCredential is null)
        {
            return steps;
        }

        if (newCredential.Attached)
        {
            if (originalMethod != ClientAuthenticationMethod.PrivateKeyJwt && RotationGuards.UsesPrivateKeyJwt(state))
            {
                steps.Add(new PlannedStep(
                    RotationStepKind.RestoreAuthenticationMethod,
                    $"Switch client '{state.ClientId}' back to {originalMethod}, detaching [{RotationGuards.Kids(state.Attached)}]",
                    state.Attached.Select(RotationGuards.Name).ToList())
                {
                    Method = originalMethod,
                });
            }
            else
            {
                var restore = originalAttachedIds
                    .Where(id => id != newCredential.Id && state.FindById(id) is not null)
                    .Take(policy.MaxAttached)
                    .ToList();
                if (restore.Count == 0)
                {
                    restore = state.AttachedIds.Where(id => id != newCredential.Id).ToList();
                }

                if (restore.Count == 0)
                {
                    throw new PsCredRotateException(
                        ErrorIds.LastAttachedCredential,
                        ErrorKind.InvalidOperation,
                        $"Credential {newKid} is the only credential client '{state.ClientId}' can use (the previous ones are gone); undoing would leave it without one. Attach another credential first.",
                        newKid);
                }

                if (!policy.SeparateAttach)
                {
                    // Deleting the new key is what detaches it; the others never left.
                    steps.Add(new PlannedStep(RotationStepKind.Delete, $"Delete the new credential {newKid}, keeping [{RotationGuards.Kids(state, restore)}]", new[] { newKid })
                    {
                        CredentialId = newCredential.Id,
                    });
                    return steps;
                }

                steps.Add(new PlannedStep(
                    RotationStepKind.SetAttached,
                    $"Detach {newKid} from private_key_jwt, restoring [{RotationGuards.Kids(state, restore)}]",
                    restore.Select(id => RotationGuards.Name(state.FindById(id)!)).Concat(new[] { newKid }).ToList())
                {
                    AttachedIds = restore,
                });
            }
        }

        steps.Add(new PlannedStep(RotationStepKind.Delete, $"Delete the new credential {newKid}", new[] { newKid })
        {
            CredentialId = newCredential.Id,
        });
        return steps;
    }

    // ---------------------------------------------------------------- predecessors

    private const string ReplacesMarker = " replaces ";
    private const int KidPrefixLength = 8;

    /// <summary>
    /// The default name of a rotation's new credential: the key's name, else "PsCredRotate {kid
    /// prefix} {date}"; followed by " replaces {kid prefix},…" naming the credentials it retires.
    /// The server then remembers which credentials the rotation retires, so a rerun after a crash
    /// between Complete's detach and its delete still finds (by kid) the detached predecessors.
    /// </summary>
    public static string DefaultRotationName(RotationKey key, IEnumerable<string> retiringKids, DateTimeOffset now)
    {
        string name = CredentialValidator.DefaultName(key, now);
        var prefixes = retiringKids.Where(k => k.Length >= KidPrefixLength).Select(Prefix).Distinct().ToList();
        string withHint = name + ReplacesMarker + string.Join(",", prefixes);
        return prefixes.Count == 0 || withHint.Length > CredentialValidator.MaxNameLength ? name : withHint;
    }

    /// <summary>The credentials the new credential's name says it replaces (see <see cref="DefaultRotationName"/>).</summary>
    public static IEnumerable<ClientCredential> Predecessors(ClientCredentialState state, ClientCredential newCredential)
    {
        string? name = newCredential.Name;
        int at = name is null ? -1 : name.LastIndexOf(ReplacesMarker, StringComparison.Ordinal);
        if (at < 0)
        {
            return Enumerable.Empty<ClientCredential>();
        }

        string[] prefixes = name!.Substring(at + ReplacesMarker.Length).Split(',');
        if (prefixes.Any(p => p.Length != KidPrefixLength || !p.All(IsBase64Url)))
        {
            return Enumerable.Empty<ClientCredential>();
        }

        return state.Credentials.Where(c =>
            c.Id != newCredential.Id
            && c.Kid is { Length: >= KidPrefixLength } kid
            && prefixes.Contains(kid.Substring(0, KidPrefixLength))
            && (newCredential.CreatedAt is null || c.CreatedAt is null || c.CreatedAt <= newCredential.CreatedAt));
    }

    private static bool IsBase64Url(char c) =>
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';

    private static string Prefix(string kid) => kid.Length <= KidPrefixLength ? kid : kid.Substring(0, KidPrefixLength);

    // ---------------------------------------------------------------- state

    public static List<ClientCredential> AttachedInOrder(ClientCredentialState state) =>
        state.AttachedIds.Select(id => state.FindById(id)).Where(c => c is not null).Select(c => c!).ToList();

    /// <summary>The state after <paramref name="step"/>, as the planner expects the server to answer.</summary>
    public static ClientCredentialState Simulate(ClientCredentialState state, PlannedStep step, string newKid)
    {
        switch (step.Kind)
        {
            case RotationStepKind.Prune:
            case RotationStepKind.Delete:
                return Without(state, step.CredentialId!);
            case RotationStepKind.Create:
                var pending = new ClientCredential(state.ClientId, PendingId, newKid, null, null, "public_key", step.Attaches, null, null, null, "planned");
                return WithCredential(state, pending);
            case RotationStepKind.SetAttached:
                return WithAttached(state, step.AttachedIds!);
            case RotationStepKind.RestoreAuthenticationMethod:
                return WithMethod(state, step.Method);
            default:
                return state;
        }
    }

    public static ClientCredentialState Without(ClientCredentialState state, string credentialId) =>
        new(
            state.ClientId,
            state.ClientName,
            state.AuthenticationMethod,
            state.AttachedIds.Where(id => id != credentialId).ToList(),
            state.Credentials.Where(c => c.Id != credentialId).ToList());

    /// <summary>The state with <paramref name="credential"/> stored; attached too when the provider says it is (adding is attaching).</summary>
    public static ClientCredentialState WithCredential(ClientCredentialState state, ClientCredential credential)
    {
        IReadOnlyList<string> attachedIds = credential.Attached && !state.AttachedIds.Contains(credential.Id)
            ? state.AttachedIds.Concat(new[] { credential.Id }).ToList()
            : state.AttachedIds;
        return new(
            state.ClientId,
            state.ClientName,
            state.AuthenticationMethod,
            attachedIds,
            state.Credentials.Where(c => c.Id != credential.Id).Concat(new[] { credential.WithAttached(attachedIds.Contains(credential.Id)) }).ToList());
    }

    public static ClientCredentialState WithAttached(ClientCredentialState state, IReadOnlyList<string> attachedIds) =>
        new(
            state.ClientId,
            state.ClientName,
            ClientAuthenticationMethod.PrivateKeyJwt,
            attachedIds.ToList(),
            state.Credentials.Select(c => c.WithAttached(attachedIds.Contains(c.Id))).ToList());

    public static ClientCredentialState WithMethod(ClientCredentialState state, ClientAuthenticationMethod method) =>
        new(
            state.ClientId,
            state.ClientName,
            method,
            Array.Empty<string>(),
            state.Credentials.Select(c => c.WithAttached(false)).ToList());
}

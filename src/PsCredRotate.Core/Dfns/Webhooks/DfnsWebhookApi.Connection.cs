namespace PsCredRotate.Core.Dfns.Webhooks;

public sealed partial class DfnsWebhookApi
{
    /// <summary>The webhook calls of a Dfns connection; user actions are signed by its current credential.</summary>
    public DfnsWebhookApi(DfnsConnection connection)
        : this(Bind(connection))
    {
    }

    private static DfnsSend Bind(DfnsConnection connection)
    {
        if (connection is null)
        {
            throw new System.ArgumentNullException(nameof(connection));
        }

        return connection.SendAsync;
    }
}

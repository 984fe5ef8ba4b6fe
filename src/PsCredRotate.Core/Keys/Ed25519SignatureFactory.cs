using System;
using System.IO;
using Org.BouncyCastle.Asn1.EdEC;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace PsCredRotate.Core.Keys;

/// <summary>
/// Ed25519 certificate signatures (RFC 8410 §6: algorithm id-Ed25519 without parameters, the
/// signature over the whole TBSCertificate), which BouncyCastle 1.8's Asn1SignatureFactory lacks.
/// </summary>
internal sealed class Ed25519SignatureFactory : ISignatureFactory
{
    private readonly Ed25519PrivateKeyParameters _key;

    public Ed25519SignatureFactory(Ed25519PrivateKeyParameters key)
    {
        _key = key ?? throw new ArgumentNullException(nameof(key));
    }

    public object AlgorithmDetails => new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);

    public IStreamCalculator CreateCalculator() => new Calculator(_key);

    private sealed class Calculator : IStreamCalculator
    {
        private readonly Ed25519PrivateKeyParameters _key;
        private readonly MemoryStream _data = new();

        public Calculator(Ed25519PrivateKeyParameters key)
        {
            _key = key;
        }

        public Stream Stream => _data;

        public object GetResult()
        {
            byte[] data = _data.ToArray();
            var signer = new Ed25519Signer();
            signer.Init(true, _key);
            signer.BlockUpdate(data, 0, data.Length);
            return new Result(signer.GenerateSignature());
        }
    }

    private sealed class Result : IBlockResult
    {
        private readonly byte[] _signature;

        public Result(byte[] signature)
        {
            _signature = signature;
        }

        public byte[] Collect() => (byte[])_signature.Clone();

        public int Collect(byte[] destination, int offset)
        {
            Array.Copy(_signature, 0, destination, offset, _signature.Length);
            return _signature.Length;
        }
    }
}

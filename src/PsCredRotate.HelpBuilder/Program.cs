using System;
using System.IO;
using System.Linq;
using System.Xml;
using System.Xml.Linq;

namespace PsCredRotate.HelpBuilder;

/// <summary>
/// <c>PsCredRotate.HelpBuilder DOCS_DIR OUTPUT_FILE</c>: every <c>*.md</c> cmdlet page in DOCS_DIR
/// becomes one command in the MAML file OUTPUT_FILE. Exit 1 with the page's name and the problem
/// when a page lacks what Get-Help needs (a synopsis, an example with code, parameter metadata).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: PsCredRotate.HelpBuilder DOCS_DIR OUTPUT_FILE");
            return 2;
        }

        try
        {
            CommandHelp[] commands = Directory.GetFiles(args[0], "*.md")
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(MarkdownHelpReader.Read)
                .ToArray();
            XDocument maml = MamlWriter.Write(commands);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(args[1]))!);
            string temp = args[1] + ".tmp";
            using (XmlWriter writer = XmlWriter.Create(temp, new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) }))
            {
                maml.Save(writer);
            }

            File.Move(temp, args[1], overwrite: true);
            Console.WriteLine($"{commands.Length} cmdlet help pages -> {args[1]}");
            return 0;
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            return 1;
        }
    }
}

import {
  ChevronLeft,
  ChevronRight,
  CircleDot,
  Copy,
  Download,
  FileText,
  Globe,
  Link,
  List,
  type LucideIcon,
  type LucideProps,
  Network,
  Play,
  Plus,
  RotateCw,
  Search,
  Square,
  Terminal,
  Trash2,
  TriangleAlert,
  Upload,
  Workflow,
  X,
} from "lucide-react";

/**
 * The dashboard's icons, from lucide-react, under the names the components use. The default size is the
 * 16 px of the text they sit in (lucide's own default is 24); decorative unless the caller names them.
 */
function sized(Glyph: LucideIcon, name: string) {
  const Sized = ({ size = 16, ...props }: LucideProps) => <Glyph size={size} focusable="false" {...props} />;
  Sized.displayName = name;
  return Sized;
}

export const TerminalIcon = sized(Terminal, "TerminalIcon");
export const GlobeIcon = sized(Globe, "GlobeIcon");
export const CircleDotIcon = sized(CircleDot, "CircleDotIcon");
export const PlayIcon = sized(Play, "PlayIcon");
export const StopIcon = sized(Square, "StopIcon");
export const RetryIcon = sized(RotateCw, "RetryIcon");
export const PlusIcon = sized(Plus, "PlusIcon");
export const UploadIcon = sized(Upload, "UploadIcon");
export const DownloadIcon = sized(Download, "DownloadIcon");
export const LayoutIcon = sized(Network, "LayoutIcon");
export const TrashIcon = sized(Trash2, "TrashIcon");
export const CloseIcon = sized(X, "CloseIcon");
export const SearchIcon = sized(Search, "SearchIcon");
export const CopyIcon = sized(Copy, "CopyIcon");
export const DocumentIcon = sized(FileText, "DocumentIcon");
export const ChevronLeftIcon = sized(ChevronLeft, "ChevronLeftIcon");
export const ChevronRightIcon = sized(ChevronRight, "ChevronRightIcon");
export const AlertIcon = sized(TriangleAlert, "AlertIcon");
export const LinkIcon = sized(Link, "LinkIcon");
export const GraphIcon = sized(Workflow, "GraphIcon");
export const ListIcon = sized(List, "ListIcon");
